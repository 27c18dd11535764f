"""Benchmark driver: esa-publish (A) against the official Python SDK (B), whole processes, pair by pair.

Called by scripts/bench.sh. Wall time by perf_counter around each process; peak RSS by GNU time
(`/usr/bin/time -f %M`). Not os.wait4's rusage: a child forked from this Python process carries
Python's pages until it execs, and the kernel counts them in the child's peak RSS (that made the
15 MiB interpreter look like part of the 4 MiB binary). Both sides run under GNU time, so its
small fork/exec cost is in both walls, and its own pages in both peaks: a bias against A if any.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(argv, env):
    """Runs one process under GNU time; returns (wall seconds, peak RSS in KiB). Fails loudly."""
    with tempfile.NamedTemporaryFile("r") as rss:
        started = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv], env=env, capture_output=True)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            sys.exit(f"benchmark run failed ({argv[0]} exit {proc.returncode}):\n{proc.stdout.decode()}\n{proc.stderr.decode()}")
        peak_kib = int(rss.read().strip().splitlines()[-1])
    return wall, peak_kib


def spread(values):
    return f"{min(values) * 1000:.1f}–{max(values) * 1000:.1f}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--binary", required=True)
    p.add_argument("--python", required=True)
    p.add_argument("--sdk-script", required=True)
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    args = p.parse_args()

    scratch = tempfile.mkdtemp()
    base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": scratch}
    host = args.url.split("://", 1)[1]
    rows = []
    for version in ("v3", "v2"):
        a_env = dict(base_env)
        a_env.update({
            "GITHUB_ACTIONS": "true",
            "GITHUB_OUTPUT": os.path.join(scratch, "output"),
            "GITHUB_STEP_SUMMARY": os.path.join(scratch, "summary"),
            "INPUT_APP-ID": "app-880688675783790001",
            "INPUT_VERSION-ID": "ver-879626371616510001",
            "INPUT_PUBLISH-ENV": "staging",
            "INPUT_PERCENTAGE": "20",
            "INPUT_REMARKS": "benchmark",
            "INPUT_ACCESS-KEY-ID": "LTAIstandinDemoKey",
            "INPUT_ACCESS-KEY-SECRET": "standin-demo-secret",
            "INPUT_ENDPOINT": args.url,
            "INPUT_SIGNATURE-VERSION": version,
        })
        a = [args.binary]
        b = [args.python, args.sdk_script, host, version]
        for _ in range(args.warmup):
            run(a, a_env)
            run(b, base_env)
        a_wall, a_rss, b_wall, b_rss, ratios = [], [], [], [], []
        for i in range(args.runs):
            # Alternate the order so neither side always runs on a warmer machine.
            if i % 2 == 0:
                (aw, ar), (bw, br) = run(a, a_env), run(b, base_env)
            else:
                (bw, br), (aw, ar) = run(b, base_env), run(a, a_env)
            a_wall.append(aw)
            a_rss.append(ar)
            b_wall.append(bw)
            b_rss.append(br)
            ratios.append(aw / bw)
        rows.append((version, a_wall, a_rss, b_wall, b_rss, ratios))

    print()
    print(f"publish, {args.runs} runs per side after {args.warmup} warm-up runs, against the stand-in on {args.url}")
    print()
    print("| signature | esa-publish wall, median (min–max) ms | SDK wall, median (min–max) ms | A/B wall, median of pairs | SDK÷A | esa-publish peak RSS, max MiB | SDK peak RSS, max MiB | RSS A/B |")
    print("|---|---|---|---|---|---|---|---|")
    for version, a_wall, a_rss, b_wall, b_rss, ratios in rows:
        ratio = statistics.median(ratios)
        print(
            f"| {version} | {statistics.median(a_wall) * 1000:.1f} ({spread(a_wall)}) "
            f"| {statistics.median(b_wall) * 1000:.1f} ({spread(b_wall)}) "
            f"| {ratio:.4f} | {1 / ratio:.0f}× "
            f"| {max(a_rss) / 1024:.1f} | {max(b_rss) / 1024:.1f} | {max(a_rss) / max(b_rss):.3f} |"
        )


if __name__ == "__main__":
    main()
