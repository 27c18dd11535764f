#!/usr/bin/env bash
# Benchmark: esa-publish's release binary (A) against the official Python SDK (B), both as whole
# processes publishing one version to the bundled stand-in on 127.0.0.1; then the binary size, the
# image size estimate and the cold release build time.
#
# usage: scripts/bench.sh [--quick] [--runs N] [--no-cold-build]
#   --quick          3 runs per side, 1 warm-up (what CI runs so the script cannot rot)
#   --no-cold-build  skip the cold `cargo build --release` timing (about a minute)
# It prints figures; it never fails on them.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=20
warmup=3
cold=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) runs=3; warmup=1 ;;
    --runs) runs=$2; shift ;;
    --no-cold-build) cold=0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

. scripts/standin.sh

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%Y-%m-%d), $(rustc --version)"

if [ ! -x /usr/bin/time ]; then
  echo "== installing GNU time (for peak RSS)"
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

echo "== release build"
cargo build --release --locked --workspace --bins --quiet

echo "== the official SDK, from PyPI, in a throw-away virtualenv"
python3 -m venv "$work/sdk"
"$work/sdk/bin/pip" install --quiet --disable-pip-version-check alibabacloud-esa20240910
"$work/sdk/bin/pip" list 2>/dev/null | grep -iE '^(alibabacloud-esa20240910|alibabacloud-tea-openapi) ' || true

start_standin ./target/release/esa-standin
url=$standin_url

python3 scripts/bench.py --url "$url" --binary ./target/release/esa-publish \
  --python "$work/sdk/bin/python" --sdk-script scripts/bench_sdk_publish.py \
  --runs "$runs" --warmup "$warmup"

echo
binary=$(stat -c %s target/release/esa-publish)
bundle=/etc/ssl/certs/ca-certificates.crt
bundle_size=$( [ -f "$bundle" ] && stat -c %s "$bundle" || echo 0)
awk -v b="$binary" -v c="$bundle_size" 'BEGIN {
  printf "| stripped release binary | %.2f MiB |\n", b / 1048576
  printf "| image estimate (binary + CA bundle, FROM scratch) | %.2f MiB |\n", (b + c) / 1048576
}'

if [ "$cold" = 1 ]; then
  cold_dir="$work/cold-target"
  cargo fetch --locked --quiet
  start=$(date +%s.%N)
  CARGO_TARGET_DIR="$cold_dir" cargo build --release --locked -p esa-publish --quiet
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "| cold `cargo build --release --locked` (fresh target dir, warm crate cache) | %.1f s |\n", e - s }'
fi
