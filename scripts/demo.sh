#!/usr/bin/env bash
# One complete publish, end to end, against the bundled local ESA stand-in: no cloud account.
#
# Builds the action and the stand-in, starts the stand-in on 127.0.0.1, runs the action the way
# the Actions runner does (INPUT_* variables with hyphens kept, GITHUB_OUTPUT and
# GITHUB_STEP_SUMMARY files), once signed with v3 and once with v2, following each rollout to its
# end, then shows the outputs file, the job summary and what the stand-in received and verified.
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
