#!/usr/bin/env bash
# The fault soak: the real binary, run RUNS times (default 300) as the Actions runner runs the
# Docker action, each time against a fresh stand-in with random faults (connection resets, 5xx,
# throttling, slow answers, lost publish answers, a rollout stuck or rolled back), each run
# checked against the stand-in's own record: at most one publish per step, the exit code and
# outputs agreeing with what the stand-in holds at the end, no secret in any output, each run
# within its bound. Prints one table; fails on any duplicate, mismatch, secret or overrun.
#   scripts/soak.sh [RUNS] [--seed N]      (a seed replays a soak; the table names its seed)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --workspace --bins
log="${TMPDIR:-/tmp}/esa-soak-$$.log"
status=0
target/debug/esa-soak "$@" 2>"$log" || status=$?
echo "(the stand-ins' own log: $log)"
exit "$status"
