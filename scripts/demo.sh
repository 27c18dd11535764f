#!/usr/bin/env bash
# The main job end to end, against the bundled local ESA stand-in: no cloud account.
#
# Builds the action, the stand-in and esa-host (the tests' emulation of the hosts), starts the
# stand-in on 127.0.0.1, and runs the action exactly as the Actions runner runs this Docker
# action: every input of action.yml set (the step's value, else its default, else empty) as
# INPUT_<NAME> with hyphens kept, the runner's variables, the event payload and its files:
#   1. a mistake is refused before anything is sent (`percentge: 20` instead of `percentage`);
#   2. a freshly built image goes to staging with nothing made by hand: a version is made from
#      what staging serves with the new image swapped in, waited for, published and followed;
#   3. the same step re-run finds the version it made serving all of staging, and publishes
#      nothing (`result: unchanged`);
#   4. a broken image goes to staging: its pod crash-loops, and the failure says why (the pod's
#      state, its last log lines) in the log and the job summary, which is printed;
#   5. the good version is promoted to prod in steps (20% → 100%), its health endpoint probed
#      through each step's bake (the stand-in plays the app), signed with v2 this time.
# After each run it prints the step's outputs as `name = value`; at the end, the last job
# summary and what the stand-in received and verified.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x target/debug/esa-publish ] || [ ! -x target/debug/esa-standin ] || [ ! -x target/debug/esa-host ]; then
  echo "== building the action, the stand-in and esa-host (a first build takes 2 to 4 minutes on 2 cores)"
else
  echo "== building (up to date in seconds)"
fi
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

files="$work/files"
output="$files/set_output" summary="$files/step_summary"
common=(
  "app-id=app-880688675783790001"
  "access-key-id=LTAIstandinDemoKey"
  "access-key-secret=standin-demo-secret"
  "endpoint=$url"
  "poll-interval=200ms"
)

# Prints the outputs file as `name = value` (the runner's heredoc form, read back).
show_outputs() {
  awk '
    !block && /<</ { split($0, a, "<<"); name = a[1]; delim = a[2]; value = ""; n = 0; block = 1; next }
    block && $0 == delim { printf "  %s = %s\n", name, value; block = 0; next }
    block { value = (n++ ? value "\\n" : "") $0 }
  ' "$output"
}

# action [--env NAME=VALUE]... KEY=VALUE...: one step of the action as the runner runs it, with
# the demo's app, keys and stand-in and these `with:` keys; fresh runner files each time.
action() {
  ./target/debug/esa-host docker action.yml ./target/debug/esa-publish --files "$files" "${common[@]}" "$@"
}

# step TITLE [--env NAME=VALUE]... KEY=VALUE...: runs the action once and prints its outputs.
step() {
  local title=$1
  shift
  echo
  echo "== $title"
  action "$@"
  echo "-- outputs"
  show_outputs
}

echo
echo "== a typo is refused, and nothing is sent: percentge: 20"
code=0
action publish-env=prod version-id=ver-000000000000000001 percentge=20 || code=$?
if [ "$code" != 1 ]; then
  echo "the typo was not refused (exit code $code)" >&2
  exit 1
fi
echo "-- exit code 1; the stand-in received $(grep -c ' -> ' "$work/standin.log" || true) requests"

image="registry.example.com/shop/web:2.0.0"
for attempt in 1 2; do
  step "image $image to staging, followed (run attempt $attempt)" \
    --env "GITHUB_RUN_ATTEMPT=$attempt" publish-env=staging "image=$image" wait=true
done
version=$(awk '/^version-id<</ { getline; print; exit }' "$output")

echo
echo "== broken image $broken to staging: the pod crash-loops, and the failure says why"
code=0
action publish-env=staging "image=$broken" wait=true wait-timeout=20s logs-on-failure=20 || code=$?
if [ "$code" != 1 ]; then
  echo "the broken image was not reported (exit code $code)" >&2
  exit 1
fi
echo "-- exit code 1; outputs"
show_outputs
echo "-- the job summary's explanation"
sed -n '/^#### Why it failed/,/^<\/details>/p' "$summary"

step "promote $version to prod in steps, health-gated, signature v2" \
  publish-env=prod "version-id=$version" percentage-steps=20,100 step-wait=1s \
  "health-url=$url/_app/healthz" rollback-on-failure=true signature-version=v2

echo
echo "== the job summary of the last run (\$GITHUB_STEP_SUMMARY)"
cat "$summary"
echo "== what the stand-in received (each signature verified independently)"
cat "$work/standin.log"
