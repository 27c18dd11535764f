#!/usr/bin/env bash
# Checks release-pin-binaries.sh on a copy of setup/action.yml, then runs the download step's own
# shell code (curl and gh stubbed to serve and judge local files):
# - an unpinned commit refuses to download at all;
# - a version that is not exactly vX.Y.Z (a path like v1.2.3/../../evil) is refused before curl;
# - the pinned release passes its pinned SHA-256, a tampered binary fails;
# - another release needs the user's sha256 (a hash, or SHA256SUMS text) or the release
#   workflow's attestation (gh attestation verify --signer-workflow), never its own SHA256SUMS;
# - the URL is built from github.server_url.
#   scripts/check-setup-pin.sh PYTHON   (a Python with ruamel.yaml, e.g. check-jsonschema's)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:?usage: check-setup-pin.sh PYTHON}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/served" "$scratch/bin" "$scratch/temp"
asset=esa-publish-x86_64-unknown-linux-musl
server=https://ghe.example.com
printf 'the release binary\n' >"$scratch/served/$asset"
(cd "$scratch/served" && sha256sum "$asset" >"$scratch/SHA256SUMS")
good_sum=$(cut -d' ' -f1 "$scratch/SHA256SUMS")
# curl [flags] -o FILE URL: log the URL, serve its last path part from $scratch/served.
cat >"$scratch/bin/curl" <<STUB
#!/usr/bin/env bash
out=; url=
while [ \$# -gt 0 ]; do case "\$1" in -o) out=\$2; shift ;; --retry|--proto) shift ;; -*) ;; *) url=\$1 ;; esac; shift; done
echo "\$url" >>"$scratch/urls"
cp "$scratch/served/\${url##*/}" "\$out"
STUB
# gh attestation verify FILE --repo R --signer-workflow W: log the call; GH_STUB_VERDICT decides.
cat >"$scratch/bin/gh" <<STUB
#!/usr/bin/env bash
echo "gh \$*" >>"$scratch/gh"
exit "\${GH_STUB_VERDICT:-1}"
STUB
chmod +x "$scratch/bin/curl" "$scratch/bin/gh"

step() { # the download step's run script of the given action.yml
  "$python" - "$1" <<'PY'
import sys
from ruamel.yaml import YAML
action = YAML(typ="safe").load(open(sys.argv[1]))
print(next(s for s in action["runs"]["steps"] if s.get("id") == "download")["run"])
PY
}
run_step() { # ACTION_YML [VAR=value...] -> exit code of its download step
  local action=$1
  shift
  step "$action" >"$scratch/step.sh"
  : >"$scratch/output"
  : >"$scratch/urls"
  : >"$scratch/gh"
  env PATH="$scratch/bin:$PATH" VERSION= BINARY= SHA256= VERIFY_ATTESTATION=false \
    ACTION_REPOSITORY=owner/esa-publish SERVER_URL="$server" GH_TOKEN=t \
    RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$scratch/temp" GITHUB_OUTPUT="$scratch/output" \
    "$@" bash "$scratch/step.sh" >"$scratch/log" 2>&1
}
refused() { # TITLE ACTION_YML [VAR=value...]: the step fails with TITLE and downloads nothing
  local title=$1
  shift
  if run_step "$@"; then echo "not refused: $*" >&2; cat "$scratch/log" >&2; exit 1; fi
  grep -q "title=$title::" "$scratch/log" || { echo "no $title for: $*" >&2; cat "$scratch/log" >&2; exit 1; }
  [ ! -s "$scratch/urls" ] || { echo "downloaded despite $title: $*" >&2; exit 1; }
}
passes() { # ACTION_YML [VAR=value...]
  run_step "$@" || { echo "failed: $*" >&2; cat "$scratch/log" >&2; exit 1; }
  grep -q "^bin=$scratch/temp/$asset$" "$scratch/output"
}

cp -r setup scripts "$scratch/"
unpinned="$scratch/setup/action.yml"
refused NoPinnedRelease "$unpinned"
for bad in "v1.2.3/../../../../evil/repo/releases/download/v9.9.9" "v1.2.3?x" "v1.2" "1.2.3" "v1.2.3 " "v01.2.3/.."; do
  refused InvalidVersion "$unpinned" VERSION="$bad"
done
refused UnverifiedRelease "$unpinned" VERSION=v1.2.4
refused InvalidServer "$unpinned" VERSION=v1.2.4 SHA256="$good_sum" SERVER_URL="http://ghe.example.com"

# Another release, vouched for by the user's own checksum: a hash, or SHA256SUMS text.
passes "$unpinned" VERSION=v1.2.4 SHA256="$good_sum"
grep -qx "$server/owner/esa-publish/releases/download/v1.2.4/$asset" "$scratch/urls"
passes "$unpinned" VERSION=v1.2.4 SHA256="$(printf 'x\n%s\n' "$(cat "$scratch/SHA256SUMS")")"
if grep -q SHA256SUMS "$scratch/urls"; then echo "fetched the release's own SHA256SUMS" >&2; exit 1; fi
if run_step "$unpinned" VERSION=v1.2.4 SHA256="$(printf '0%.0s' {1..64})"; then
  echo "a wrong sha256 passed" >&2; exit 1
fi
# ... or by the release workflow's attestation.
passes "$unpinned" VERSION=v1.2.4 VERIFY_ATTESTATION=true GH_STUB_VERDICT=0
grep -q -- "--signer-workflow ghe.example.com/owner/esa-publish/.github/workflows/release.yml" "$scratch/gh"
if run_step "$unpinned" VERSION=v1.2.4 VERIFY_ATTESTATION=true GH_STUB_VERDICT=1; then
  echo "a failed attestation passed" >&2; exit 1
fi

"$scratch/scripts/release-pin-binaries.sh" v1.2.3 "$scratch/SHA256SUMS" >/dev/null
passes "$scratch/setup/action.yml"
if grep -q "SHA256SUMS" "$scratch/urls"; then echo "fetched SHA256SUMS despite the pin" >&2; exit 1; fi
grep -qx "$server/owner/esa-publish/releases/download/v1.2.3/$asset" "$scratch/urls"

printf 'tampered\n' >"$scratch/served/$asset"
if run_step "$scratch/setup/action.yml"; then
  echo "a tampered binary passed the pinned checksum" >&2; exit 1
fi
echo "setup/action.yml: unpinned refuses; bad versions and unvouched releases download nothing; pinned passes, tampered fails; sha256 and attestation vouch for other releases; URLs from server_url"
