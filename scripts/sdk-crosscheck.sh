#!/usr/bin/env bash
# Cross-check the stand-in against the official Python SDK: the SDK's own create, get, list and
# publish calls must pass the stand-in's independent signature and placement checks, with both
# signature methods. The SDK lives in a throw-away virtualenv; it is never part of the product.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --locked -p esa-standin --bins
. scripts/standin.sh

python3 -m venv "$work/sdk"
"$work/sdk/bin/pip" install --quiet --disable-pip-version-check alibabacloud-esa20240910
"$work/sdk/bin/pip" list 2>/dev/null | grep -iE '^(alibabacloud-esa20240910|alibabacloud-tea-openapi) ' || true

start_standin ./target/debug/esa-standin
"$work/sdk/bin/python" scripts/sdk_crosscheck.py "$standin_url"
