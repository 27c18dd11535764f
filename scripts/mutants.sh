#!/usr/bin/env bash
# Mutation testing of the layers that decide (cargo mutants, from crates.io), in three groups,
# each against the tests that judge it (so that a mutant is run against the checks meant to
# catch it, and a run fits in hours, not days, on 2 cores):
#
#   engine  the engine (engine/src/deploy/) and the ESA rules it decides on (status, retry,
#           image, endpoint): the engine's unit tests, the scenarios on virtual time, the
#           message catalogue, and the binary's rollout, health, metric, promote, diagnostics,
#           version, input-table and refusal tests (the image grammar's and regions' tables)
#   config  the inputs (src/config/): the unit tests, the input tables, the refusals, the
#           runner contract, the consistency checks, the message catalogue, the fuzz oracles
#           and the quick end-to-end tests
#   runner  the runner protocol (src/ci/runner.rs): the unit tests, the protocol, security,
#           outputs, limits, runner-contract and quick end-to-end tests
#
# A mutant no test fails is a check missing, or a change that changes nothing.
#
#   scripts/mutants.sh [GROUP...]              every mutant of those groups (all three by default)
#   scripts/mutants.sh --changed [BASE]        only the mutants in lines changed since BASE
#                                              (default: the parent commit), for CI
#   MUTANTS_SHARD=K/N scripts/mutants.sh ...   every Nth mutant from the Kth (round-robin): an
#                                              even sample when the whole takes too long
#
# The results go to target/mutants/GROUP/mutants.out/ (caught.txt, missed.txt, timeout.txt,
# unviable.txt); docs/reliability.md has the last figures and the test that killed each missed one.
set -euo pipefail
cd "$(dirname "$0")/.."
tools="${TMPDIR:-/tmp}/esa-publish-ci-tools"
export PATH="$tools/bin:$PATH"

files_engine=(
  --file 'engine/src/deploy/**' --file engine/src/esa/status.rs --file engine/src/esa/retry.rs
  --file engine/src/esa/image.rs --file engine/src/esa/endpoint.rs
)
tests_engine=(
  --lib --test scenarios --test messages --test rollout --test health --test metric --test promote
  --test diagnostics --test versions --test inputs --test refusals
)
files_config=(--file 'src/config/**')
tests_config=(
  --lib --test inputs --test refusals --test runner_contract --test consistency --test messages
  --test fuzz --test e2e --test cli
)
files_runner=(--file src/ci/runner.rs)
tests_runner=(
  --lib --test runner_protocol --test security --test outputs --test limits --test runner_contract
  --test e2e
)

jobs=$(( $(nproc) > 1 ? 2 : 1 ))
common=(--workspace --profile mutants --jobs "$jobs")

groups=()
diff=""
if [ "${1:-}" = "--changed" ]; then
  base="${2:-HEAD~1}"
  if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
    echo "mutants: SKIPPED, $base is not in this clone (a shallow checkout has no parent to diff)"
    exit 0
  fi
  diff=$(mktemp)
  git diff "$base" -- src/ engine/src/ >"$diff"
  if [ ! -s "$diff" ]; then
    echo "mutants: no change in src/ or engine/src/ since $base"
    exit 0
  fi
  groups=(engine config runner)
else
  groups=("${@:-engine}")
  [ $# -eq 0 ] && groups=(engine config runner)
fi
if ! command -v cargo-mutants >/dev/null; then
  cargo install --quiet --locked --root "$tools" cargo-mutants --version 27.1.0
fi

status=0
for group in "${groups[@]}"; do
  declare -n files="files_$group" tests="tests_$group"
  out="target/mutants/$group"
  mkdir -p "$out"
  args=("${common[@]}" --output "$out")
  [ -n "$diff" ] && args+=(--in-diff "$diff")
  [ -n "${MUTANTS_SHARD:-}" ] && args+=(--shard "$MUTANTS_SHARD" --sharding round-robin)
  echo "== mutants: $group"
  if [ -n "$diff" ]; then
    n=$(cargo mutants --list "${args[@]}" "${files[@]}" 2>/dev/null | wc -l)
    if [ "$n" -eq 0 ]; then
      echo "mutants ($group): no mutant in the lines changed"
      unset -n files tests
      continue
    fi
    # A commit that rewrites a layer could make hundreds: an even sample of about 40 keeps
    # CI within its time, and says so.
    if [ "$n" -gt 40 ]; then
      shards=$(( (n + 39) / 40 ))
      echo "mutants ($group): $n in the lines changed, an even sample of 1 in $shards"
      args+=(--shard "0/$shards" --sharding round-robin)
    fi
  fi
  # Exit codes: 2 when mutants were missed, 3 on timeouts (a mutant the tests did not let
  # finish: caught, as a hang would be), 4 when the tests fail unmutated.
  code=0
  # `--workspace` after `--` reaches `cargo test` itself: cargo mutants 27 passes the mutated
  # package's `--package` there whatever --test-package or --test-workspace say, and cargo then
  # takes every member, so an engine mutant meets the binary's tests too; each group's list of
  # test targets keeps that to the ones meant to catch it.
  cargo mutants "${args[@]}" "${files[@]}" -- --workspace "${tests[@]}" || code=$?
  case "$code" in
    0 | 3) ;;
    *) status=$code ;;
  esac
  count() { [ -f "$out/mutants.out/$1.txt" ] && wc -l <"$out/mutants.out/$1.txt" | tr -d ' ' || echo 0; }
  echo "mutants ($group): caught $(count caught), missed $(count missed), timed out $(count timeout), unviable $(count unviable)"
  if [ -s "$out/mutants.out/missed.txt" ]; then
    echo "missed:"
    sed 's/^/  /' "$out/mutants.out/missed.txt"
  fi
  unset -n files tests
done
# A missed mutant (2) or tests that fail unmutated (4) fail the script. A mutant that is
# equivalent (no test could tell it apart) is listed, with why, in .cargo/mutants.toml.
exit "$status"
