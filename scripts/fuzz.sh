#!/usr/bin/env bash
# Runs every fuzz target of fuzz/ for SECONDS each (default 30), coverage-guided (cargo fuzz,
# libFuzzer), from the committed seeds (fuzz/corpus/) and past crashes (fuzz/regressions/), and
# prints one line per target: executions, and new crashes. A crash fails the script and leaves
# its input in fuzz/artifacts/<target>/; `cargo fuzz fmt <target> <file>` shows it.
#
# Stable Rust: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass the -Z flags it needs. No sanitizer: the
# code under test is safe Rust, so AddressSanitizer finds nothing a panic would not, and without
# it a target runs several times faster.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
tools="${TMPDIR:-/tmp}/esa-publish-ci-tools"
export PATH="$tools/bin:$PATH"
if ! command -v cargo-fuzz >/dev/null; then
  cargo install --quiet --locked --root "$tools" cargo-fuzz --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1
cd fuzz
cargo fuzz build --sanitizer none 2>&1 | tail -1
failed=0
for target in $(cargo fuzz list); do
  work=$(mktemp -d)
  dirs=("$work" "corpus/$target")
  [ -d "regressions/$target" ] && dirs+=("regressions/$target")
  log="$work.log"
  status=0
  cargo fuzz run --sanitizer none "$target" "${dirs[@]}" -- \
    -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1 || status=$?
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{ print $2 }')
  crashes=$(grep -c '^SUMMARY: libFuzzer' "$log" || true)
  echo "fuzz $target: ${runs:-0} executions in ${seconds}s, $crashes new crashes"
  if [ "$status" != 0 ] || [ "$crashes" != 0 ]; then
    failed=1
    grep -E "panicked at|^thread|SUMMARY|Test unit written" -A2 "$log" | head -20
  fi
  rm -rf "$work" "$log"
done
exit "$failed"
