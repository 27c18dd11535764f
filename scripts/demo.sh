#!/usr/bin/env bash
# The main job end to end, against the bundled local ESA stand-in: no cloud account.
#
# Builds the action and the stand-in, starts the stand-in on 127.0.0.1, and runs the action the
# way the Actions runner does (INPUT_* variables with hyphens kept, GITHUB_OUTPUT and
# GITHUB_STEP_SUMMARY files, the commit and run variables):
#   1. deploys a freshly built image to staging with nothing made by hand: a version is made from
#      what staging serves with the new image swapped in, waited for, published and followed;
#   2. re-runs that same step: the version it made is found by name and reused, not made twice;
#   3. publishes an existing version by its ID, signed with v3 and then with v2.
# Then it shows the outputs file, the job summary and what the stand-in received and verified.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --locked --workspace --bins
. scripts/standin.sh

start_standin ./target/debug/esa-standin
url=$standin_url
echo "== the ESA stand-in listens on $url"

export GITHUB_OUTPUT="$work/output" GITHUB_STEP_SUMMARY="$work/summary"
: >"$GITHUB_OUTPUT"
: >"$GITHUB_STEP_SUMMARY"
common=(
  "INPUT_APP-ID=app-880688675783790001"
  "INPUT_PUBLISH-ENV=staging"
  "INPUT_ACCESS-KEY-ID=LTAIstandinDemoKey"
  "INPUT_ACCESS-KEY-SECRET=standin-demo-secret"
  "INPUT_ENDPOINT=$url"
  "INPUT_WAIT=true"
  "INPUT_POLL-INTERVAL=200ms"
  "GITHUB_REPOSITORY=acme/shop"
  "GITHUB_SHA=1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
  "GITHUB_RUN_ID=9876543210"
)
for attempt in 1 2; do
  echo
  echo "== esa-publish, image: registry.example.com/shop/web:2.0.0 (run attempt $attempt)"
  env "${common[@]}" \
    "INPUT_IMAGE=registry.example.com/shop/web:2.0.0" \
    "GITHUB_RUN_ATTEMPT=$attempt" \
    ./target/debug/esa-publish
done

for signature in v3 v2; do
  echo
  echo "== esa-publish, signature-version: $signature"
  env \
    "INPUT_APP-ID=app-880688675783790001" \
    "INPUT_VERSION-ID=ver-879626371616510001" \
    "INPUT_PUBLISH-ENV=staging" \
    "INPUT_PERCENTAGE=100" \
    "INPUT_REMARKS=demo: spaces * + ~ & = 中文" \
    "INPUT_ACCESS-KEY-ID=LTAIstandinDemoKey" \
    "INPUT_ACCESS-KEY-SECRET=standin-demo-secret" \
    "INPUT_ENDPOINT=$url" \
    "INPUT_SIGNATURE-VERSION=$signature" \
    "INPUT_WAIT=true" \
    "INPUT_POLL-INTERVAL=200ms" \
    ./target/debug/esa-publish
done

echo
echo "== \$GITHUB_OUTPUT"
cat "$GITHUB_OUTPUT"
echo
echo "== \$GITHUB_STEP_SUMMARY"
cat "$GITHUB_STEP_SUMMARY"
echo "== what the stand-in received (each signature verified independently)"
cat "$work/standin.log"
