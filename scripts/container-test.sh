#!/usr/bin/env bash
# The action in a real container, run exactly as the Actions runner runs a Docker action: a static
# binary in the image release.Dockerfile makes, `docker run` with every input as `-e INPUT_…`,
# `--workdir /github/workspace`, the runner's four mounts (the file-command files inside them) and
# `--network host`, so that the stand-in on 127.0.0.1 is reached and no other address is used
# (esa-host's `docker://IMAGE` form, from the tests' emulation of the runner).
#
# Cases: a plain publish (outputs and summary read back from the mounted files); a
# `version-spec` path relative to the workspace; a cancel during sign-in the way the runner
# cancels (SIGINT to the docker client, 7.5 s, SIGTERM, 2.5 s, kill): the container must be gone
# within 2 s of the SIGINT.
#
# Where no Docker engine can run (no dockerd, not root), it says SKIPPED and exits 0: it never
# reports a pass it did not see. Set ESA_PUBLISH_REQUIRE_DOCKER=1 to make that a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

skip() {
  if [ "${ESA_PUBLISH_REQUIRE_DOCKER:-}" = 1 ]; then
    echo "container test: FAILED: $1 (ESA_PUBLISH_REQUIRE_DOCKER=1)" >&2
    exit 1
  fi
  echo "container test: SKIPPED, nothing was run: $1"
  exit 0
}

command -v docker >/dev/null || skip "no docker client (apt-get install docker.io)"
if ! docker info >/dev/null 2>&1; then
  # No engine yet: start one, as root, on vfs (overlay needs more than a container offers).
  command -v dockerd >/dev/null && [ "$(id -u)" = 0 ] || skip "no Docker engine, and none can be started here (needs dockerd and root)"
  echo "starting dockerd --storage-driver=vfs (log: ${TMPDIR:-/tmp}/esa-publish-dockerd.log)"
  (dockerd --storage-driver=vfs >"${TMPDIR:-/tmp}/esa-publish-dockerd.log" 2>&1 &)
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || skip "dockerd did not start (see ${TMPDIR:-/tmp}/esa-publish-dockerd.log)"
fi

fail() { echo "container test: FAILED: $*" >&2; exit 1; }
work=$(mktemp -d)
standin_pid=
cleanup() {
  [ -n "$standin_pid" ] && kill "$standin_pid" 2>/dev/null || true
  docker ps -aq --filter "ancestor=$image" | xargs -r docker rm -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
image=esa-publish:container-test
trap cleanup EXIT

echo "== a static binary (crt-static on the gnu target: no musl target installs here), the image"
triple=x86_64-unknown-linux-gnu
RUSTFLAGS="-C target-feature=+crt-static" cargo build -q --locked --target "$triple" -p esa-publish
cargo build -q --locked -p esa-standin -p esa-hosts --bins
mkdir "$work/context"
cp "target/$triple/debug/esa-publish" "$work/context/esa-publish-amd64"
cp /etc/ssl/certs/ca-certificates.crt "$work/context/"
chmod 0555 "$work/context/esa-publish-amd64"
# The legacy builder, as here: BuildKit needs images this machine cannot pull.
DOCKER_BUILDKIT=0 docker build -q -f release.Dockerfile -t "$image" "$work/context" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; fail "the image did not build"; }
echo "built $image from release.Dockerfile with the legacy builder"

target/debug/esa-standin --port 0 --oidc bearer-for-the-container-test --hang AssumeRoleWithOIDC \
  >"$work/standin.out" 2>"$work/standin.log" &
standin_pid=$!
for _ in $(seq 100); do [ -s "$work/standin.out" ] && break; sleep 0.1; done
url=$(head -n1 "$work/standin.out")
[ -n "$url" ] || { echo "the stand-in did not start"; cat "$work/standin.log"; exit 1; }

step() { # FILES_DIR KEY=VALUE...: the step, as the runner runs it, in the image
  local files=$1
  shift
  mkdir -p "$files"
  target/debug/esa-host docker action.yml "docker://$image" --files "$files" \
    app-id=app-880688675783790001 endpoint="$url" poll-interval=100ms \
    access-key-id=LTAIstandinDemoKey access-key-secret=standin-demo-secret "$@"
}

echo "== a plain publish, outputs and summary read back from the mounted files"
step "$work/plain" version-id=ver-879626371616510001 publish-env=staging wait=true >"$work/plain.log" \
  || { cat "$work/plain.log"; fail "the publish failed"; }
grep -q '^request-id<<' "$work/plain/set_output" || fail "no request-id output in the mounted file"
grep -q '^publish-status<<' "$work/plain/set_output" || fail "no publish-status output"
grep -q 'esa-publish: published' "$work/plain/step_summary" || fail "no summary in the mounted file"
echo "published; outputs: $(grep -c '<<ghadelimiter_' "$work/plain/set_output"), summary: $(wc -c <"$work/plain/step_summary") bytes"

echo "== a version-spec path relative to the workspace"
spec='[{"Name":"web","Image":"registry.example.com/shop/web:2.0.0","IsACRImage":false,"Spec":"1C2G",
 "Storage":"10G","ProbeType":"tcpSocket","ProbeContent":{"Port":8080,"InitialDelaySeconds":3,
 "PeriodSeconds":10,"TimeoutSeconds":2,"SuccessThreshold":1,"FailureThreshold":3},
 "Command":"","Args":"","EnvVariables":"","PostStart":"","PreStop":""}]'
target/debug/esa-host docker action.yml "docker://$image" --files "$work/spec" \
  --workspace-file "deploy/spec.json=$spec" \
  app-id=app-880688675783790001 endpoint="$url" poll-interval=100ms publish-env=staging \
  access-key-id=LTAIstandinDemoKey access-key-secret=standin-demo-secret \
  version-spec=deploy/spec.json >"$work/spec.log" || { cat "$work/spec.log"; fail "the version-spec publish failed"; }
grep -q '^version-created<<' "$work/spec/set_output" || fail "no version-created output"
grep -A1 '^version-created<<' "$work/spec/set_output" | grep -q true || fail "the version was not made"
echo "made and published the version of deploy/spec.json"

echo "== a cancel during sign-in, as the runner cancels"
mkdir -p "$work/cancel"
target/debug/esa-host docker action.yml "docker://$image" --files "$work/cancel" \
  --env ACTIONS_ID_TOKEN_REQUEST_TOKEN=bearer-for-the-container-test \
  --env "ACTIONS_ID_TOKEN_REQUEST_URL=$url/_github/idtoken?api-version=2.0" \
  app-id=app-880688675783790001 endpoint="$url" sts-endpoint="$url" \
  version-id=ver-000000000000000001 publish-env=staging \
  role-arn=acs:ram::123456789012:role/esa-publisher \
  oidc-provider-arn=acs:ram::123456789012:oidc-provider/github >"$work/cancel.log" 2>&1 &
client=$!
# Until the sign-in hangs in STS.
for _ in $(seq 200); do grep -q AssumeRoleWithOIDC "$work/standin.log" && break; sleep 0.1; done
grep -q AssumeRoleWithOIDC "$work/standin.log" || { cat "$work/cancel.log"; fail "sign-in never reached STS"; }
running() { [ -n "$(docker ps -q --filter "ancestor=$image")" ]; }
running || fail "no container is running"
kill -INT "$client"
sent=$(date +%s.%N)
gone=
# The runner: SIGINT, 7.5 s, SIGTERM, 2.5 s, kill. The container must be gone within 2 s.
for _ in $(seq 75); do running || { gone=$(date +%s.%N); break; }; sleep 0.1; done
if [ -z "$gone" ]; then
  kill -TERM "$client" 2>/dev/null || true
  sleep 2.5
  kill -KILL "$client" 2>/dev/null || true
  fail "the container was still running 7.5 s after SIGINT"
fi
wait "$client" || true
took=$(awk -v a="$sent" -v b="$gone" 'BEGIN { printf "%.2f", b - a }')
echo "container gone ${took}s after SIGINT"
awk -v t="$took" 'BEGIN { exit !(t <= 2) }' || fail "the container took ${took}s to stop (over 2 s)"
grep -q 'title=Cancelled::cancelled during sign-in' "$work/cancel.log" || { cat "$work/cancel.log"; fail "no Cancelled annotation"; }
grep -A1 '^stopped-at<<' "$work/cancel/set_output" | grep -q sign-in || fail "stopped-at is not sign-in"
if grep -q 'Action=GetEdgeContainer\|PublishEdgeContainer' <(sed -n '/AssumeRoleWithOIDC/,$p' "$work/standin.log" | tail -n +2); then
  fail "calls to ESA after the cancel"
fi
echo "== container test: 3 cases passed"
