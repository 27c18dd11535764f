#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ (cargo fuzz, libFuzzer) in two parts, one line each:
#
#   1. replay: every committed seed (fuzz/corpus/<target>/) and past crash
#      (fuzz/regressions/<target>/), each input once. Deterministic: the same commit gives the
#      same answer on any machine.
#   2. explore: coverage-guided, from those inputs, for a fixed number of executions with
#      libFuzzer's random seed taken from the commit (the first 8 hex digits of HEAD), so that a
#      run of the same commit explores the same inputs, and a finding belongs to the commit that
#      met it. SECONDS (default 30) caps each target's exploration in time as well: the number of
#      executions is SECONDS times the target's rate below, measured on a 2-core CI machine.
#
# A crash fails the script, prints the input in base64 and a one-line command that replays it:
#   scripts/fuzz.sh --replay TARGET BASE64
# Keep a fixed finding's input in fuzz/regressions/TARGET/ so that step 1 replays it for ever.
# FUZZ_SEED=N overrides the seed (to repeat a run printed by another commit).
#
# Stable Rust: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass the -Z flags it needs. No sanitizer: the
# code under test is safe Rust, so AddressSanitizer finds nothing a panic would not, and without
# it a target runs several times faster.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tools="${TMPDIR:-/tmp}/esa-publish-ci-tools"
export PATH="$tools/bin:$PATH"
if ! command -v cargo-fuzz >/dev/null; then
  cargo install --quiet --locked --root "$tools" cargo-fuzz --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1
(cd fuzz && cargo fuzz build --sanitizer none 2>&1 | tail -1)
bin="$root/fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"

# Executions per second of each target on a 2-core CI machine, a little under what was measured
# (docs/development.md, "Fuzzing"), so that SECONDS is a cap seldom reached.
declare -A rate=([answers]=40000 [inputs]=600 [runner]=2000 [signing]=5000)

# Prints a crash's input and the command that replays it.
report() {
  local target=$1 input=$2
  local encoded
  encoded=$(base64 -w0 "$input")
  echo "  input (base64): $encoded"
  echo "  replay: scripts/fuzz.sh --replay $target $encoded"
  echo "  keep it: echo $encoded | base64 -d > fuzz/regressions/$target/<what-it-found>"
}

if [ "${1:-}" = "--replay" ]; then
  [ $# = 3 ] || { echo "usage: scripts/fuzz.sh --replay TARGET BASE64" >&2; exit 2; }
  input=$(mktemp)
  echo "$3" | base64 -d >"$input"
  "$bin/$2" "$input"
  exit
fi

seconds="${1:-30}"
if [ -n "${FUZZ_SEED:-}" ]; then
  seed=$FUZZ_SEED
elif commit=$(git rev-parse HEAD 2>/dev/null); then
  seed=$(( (16#${commit:0:8} % 2147483646) + 1 ))
else
  seed=1
fi
echo "fuzz seed $seed (FUZZ_SEED=$seed scripts/fuzz.sh $seconds repeats this run)"

failed=0
for target in $(cd fuzz && cargo fuzz list); do
  work=$(mktemp -d)
  inputs=("fuzz/corpus/$target")
  [ -d "fuzz/regressions/$target" ] && inputs+=("fuzz/regressions/$target")

  # 1. Each committed input once, by name.
  mapfile -t files < <(find "${inputs[@]}" -type f | sort)
  if ! "$bin/$target" -artifact_prefix="$work/" "${files[@]}" >"$work.replay" 2>&1; then
    failed=1
    echo "fuzz $target: a committed input fails (replayed ${#files[@]})"
    grep -E "^Running:|panicked at" -A2 "$work.replay" | tail -8
    for crash in "$work"/crash-*; do [ -f "$crash" ] && report "$target" "$crash"; done
    rm -rf "$work" "$work.replay"
    continue
  fi

  # 2. Exploration from them, bounded and seeded.
  runs=$(( ${rate[$target]:-1000} * seconds ))
  status=0
  "$bin/$target" "$work" "${inputs[@]}" -seed="$seed" -runs="$runs" \
    -max_total_time="$seconds" -artifact_prefix="$work/" -print_final_stats=1 >"$work.log" 2>&1 \
    || status=$?
  done_runs=$(grep -E '^stat::number_of_executed_units' "$work.log" | awk '{ print $2 }')
  crashes=$(find "$work" -maxdepth 1 -name 'crash-*' | wc -l)
  note=""
  [ "${done_runs:-0}" -lt "$runs" ] && note=" (stopped by the ${seconds}s cap before $runs)"
  echo "fuzz $target: replayed ${#files[@]} inputs; ${done_runs:-0} executions from seed $seed$note, $crashes new crashes"
  if [ "$status" != 0 ] || [ "$crashes" != 0 ]; then
    failed=1
    grep -E "panicked at|^thread|SUMMARY" -A2 "$work.log" | head -12
    for crash in "$work"/crash-*; do [ -f "$crash" ] && report "$target" "$crash"; done
  fi
  rm -rf "$work" "$work.log" "$work.replay"
done
exit "$failed"
