#!/usr/bin/env bash
# The main job end to end, against the bundled local ESA stand-in: no cloud account.
#
# Builds the action and the stand-in, starts the stand-in on 127.0.0.1, and runs the action the
# way the Actions runner does (INPUT_* variables with hyphens kept, GITHUB_OUTPUT and
# GITHUB_STEP_SUMMARY files, the commit and run variables):
#   1. a mistake is refused before anything is sent (`percentge: 20` instead of `percentage`);
#   2. a freshly built image goes to staging with nothing made by hand: a version is made from
#      what staging serves with the new image swapped in, waited for, published and followed;
#   3. the same step re-run finds the version it made and reuses it;
#   4. a broken image goes to staging: its pod crash-loops, and the failure says why (the pod's
#      state, its last log lines) in the log and the job summary, which is printed;
#   5. the good version is promoted to prod in steps (20% → 100%), its health endpoint probed
#      through each step's bake (the stand-in plays the app), signed with v2 this time.
# After each run it prints the step's outputs as `name = value`; at the end, the last job
# summary and what the stand-in received and verified.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --locked --workspace --bins
. scripts/standin.sh

broken="registry.example.com/shop/web:2.0.1"
start_standin ./target/debug/esa-standin --domain shop.example.com \
  --vip 203.0.113.10 --vip 203.0.113.11 --crashing-image "$broken" \
  --log-line "listening on :8080" \
  --log-line "warming the catalogue cache: 1.9 GiB of 2 GiB" \
  --log-line "fatal: out of memory"
url=$standin_url
echo "== the ESA stand-in listens on $url"

export GITHUB_OUTPUT="$work/output" GITHUB_STEP_SUMMARY="$work/summary"
common=(
  "INPUT_APP-ID=app-880688675783790001"
  "INPUT_ACCESS-KEY-ID=LTAIstandinDemoKey"
  "INPUT_ACCESS-KEY-SECRET=standin-demo-secret"
  "INPUT_ENDPOINT=$url"
  "INPUT_POLL-INTERVAL=200ms"
  "GITHUB_REPOSITORY=acme/shop"
  "GITHUB_SHA=1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d"
  "GITHUB_RUN_ID=9876543210"
)

# Prints the outputs file as `name = value` (the runner's heredoc form, read back).
show_outputs() {
  awk '
    !block && /<</ { split($0, a, "<<"); name = a[1]; delim = a[2]; value = ""; n = 0; block = 1; next }
    block && $0 == delim { printf "  %s = %s\n", name, value; block = 0; next }
    block { value = (n++ ? value "\\n" : "") $0 }
  ' "$GITHUB_OUTPUT"
}

# step TITLE VAR=value...: runs the action once with fresh output and summary files.
step() {
  local title=$1
  shift
  echo
  echo "== $title"
  : >"$GITHUB_OUTPUT"
  : >"$GITHUB_STEP_SUMMARY"
  env "${common[@]}" "$@" ./target/debug/esa-publish
  echo "-- outputs"
  show_outputs
}

echo
echo "== a typo is refused, and nothing is sent: percentge: 20"
: >"$GITHUB_OUTPUT"
if env "${common[@]}" "INPUT_PUBLISH-ENV=prod" "INPUT_VERSION-ID=ver-000000000000000001" \
  "INPUT_PERCENTGE=20" ./target/debug/esa-publish; then
  echo "the typo was not refused" >&2
  exit 1
fi
echo "-- exit code 1; the stand-in received $(grep -c ' -> ' "$work/standin.log" || true) requests"

image="registry.example.com/shop/web:2.0.0"
for attempt in 1 2; do
  step "image $image to staging, followed (run attempt $attempt)" \
    "INPUT_PUBLISH-ENV=staging" "INPUT_IMAGE=$image" "INPUT_WAIT=true" "GITHUB_RUN_ATTEMPT=$attempt"
done
version=$(awk '/^version-id<</ { getline; print; exit }' "$GITHUB_OUTPUT")

echo
echo "== broken image $broken to staging: the pod crash-loops, and the failure says why"
: >"$GITHUB_OUTPUT"
: >"$GITHUB_STEP_SUMMARY"
if env "${common[@]}" "INPUT_PUBLISH-ENV=staging" "INPUT_IMAGE=$broken" "INPUT_WAIT=true" \
  "INPUT_WAIT-TIMEOUT=20s" "INPUT_LOGS-ON-FAILURE=20" ./target/debug/esa-publish; then
  echo "the broken image was not reported" >&2
  exit 1
fi
echo "-- exit code 1; outputs"
show_outputs
echo "-- the job summary's explanation"
sed -n '/^#### Why it failed/,/^<\/details>/p' "$GITHUB_STEP_SUMMARY"

step "promote $version to prod in steps, health-gated, signature v2" \
  "INPUT_PUBLISH-ENV=prod" "INPUT_VERSION-ID=$version" "INPUT_PERCENTAGE-STEPS=20,100" \
  "INPUT_STEP-WAIT=1s" "INPUT_HEALTH-URL=$url/_app/healthz" \
  "INPUT_ROLLBACK-ON-FAILURE=true" "INPUT_SIGNATURE-VERSION=v2"

echo
echo "== the job summary of the last run (\$GITHUB_STEP_SUMMARY)"
cat "$GITHUB_STEP_SUMMARY"
echo "== what the stand-in received (each signature verified independently)"
cat "$work/standin.log"
