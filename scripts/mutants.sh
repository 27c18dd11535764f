#!/usr/bin/env bash
# Mutation testing of the layers that decide (cargo mutants, from crates.io): every mutant of
# the engine (src/deploy/), the inputs (src/config/), the status model (src/esa/status.rs), the
# retry rule, the image and endpoint rules, and the runner protocol (src/ci/runner.rs) is built
# and run against the fast tests (unit tests, the engine's scenarios, the input tables, the
# message catalogue, the runner protocol, the property tests and the quick end-to-end ones).
# A mutant no test fails is a check missing, or a change that changes nothing.
#
#   scripts/mutants.sh                 every mutant of those files (hours on 2 cores)
#   scripts/mutants.sh --changed [BASE] only the mutants in lines changed since BASE
#                                       (default: the parent commit), for CI
#
# The results go to target/mutants (mutants.out/: caught.txt, missed.txt, timeout.txt,
# unviable.txt); docs/reliability.md has the last full figures and why each missed one is left.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${TMPDIR:-/tmp}/esa-publish-ci-tools"
export PATH="$tools/bin:$PATH"
if ! command -v cargo-mutants >/dev/null; then
  cargo install --quiet --locked --root "$tools" cargo-mutants --version 27.1.0
fi

files=(
  --file 'src/deploy/**' --file 'src/config/**'
  --file src/esa/status.rs --file src/esa/retry.rs --file src/esa/image.rs
  --file src/esa/endpoint.rs --file src/ci/runner.rs
)
tests=(
  --lib --test scenarios --test inputs --test messages --test runner_protocol --test fuzz
  --test e2e --test refusals --test cli
)
jobs=$(( $(nproc) > 1 ? 2 : 1 ))
args=(--profile mutants --jobs "$jobs" --test-package esa-publish --output target/mutants)

if [ "${1:-}" = "--changed" ]; then
  base="${2:-HEAD~1}"
  diff=$(mktemp)
  git diff "$base" -- src/ >"$diff"
  if [ ! -s "$diff" ]; then
    echo "mutants: no change in src/ since $base"
    exit 0
  fi
  args+=(--in-diff "$diff")
fi

status=0
cargo mutants "${args[@]}" "${files[@]}" -- "${tests[@]}" || status=$?
out=target/mutants/mutants.out
count() { [ -f "$out/$1.txt" ] && wc -l <"$out/$1.txt" | tr -d ' ' || echo 0; }
echo "mutants: caught $(count caught), missed $(count missed), timed out $(count timeout), unviable $(count unviable)"
if [ -s "$out/missed.txt" ]; then
  echo "missed:"
  sed 's/^/  /' "$out/missed.txt"
fi
# cargo mutants exits 2 when mutants were missed, 3 on timeouts: both fail the script.
exit "$status"
