#!/usr/bin/env bash
# Checks release-pin-binaries.sh on a copy of setup/action.yml, then runs the pinned download
# step's own shell code (curl stubbed to serve local files): the pinned binary passes its pinned
# SHA-256, a tampered one fails, and an unpinned commit refuses to download at all.
#   scripts/check-setup-pin.sh PYTHON   (a Python with ruamel.yaml, e.g. check-jsonschema's)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:?usage: check-setup-pin.sh PYTHON}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/served" "$scratch/bin" "$scratch/temp"
asset=esa-publish-x86_64-unknown-linux-musl
printf 'the release binary\n' >"$scratch/served/$asset"
(cd "$scratch/served" && sha256sum "$asset" >"$scratch/SHA256SUMS")
# curl -fsSL --retry 3 -o FILE URL: serve URL's last path part from $scratch/served.
cat >"$scratch/bin/curl" <<STUB
#!/usr/bin/env bash
out=; url=
while [ \$# -gt 0 ]; do case "\$1" in -o) out=\$2; shift ;; --retry) shift ;; -*) ;; *) url=\$1 ;; esac; shift; done
cp "$scratch/served/\${url##*/}" "\$out"
STUB
chmod +x "$scratch/bin/curl"

step() { # the download step's run script of the given action.yml
  "$python" - "$1" <<'PY'
import sys
from ruamel.yaml import YAML
action = YAML(typ="safe").load(open(sys.argv[1]))
print(next(s for s in action["runs"]["steps"] if s.get("id") == "download")["run"])
PY
}
run_step() { # ACTION_YML -> exit code of its download step
  step "$1" >"$scratch/step.sh"
  : >"$scratch/output"
  env PATH="$scratch/bin:$PATH" VERSION= BINARY= ACTION_REPOSITORY=owner/esa-publish \
    RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$scratch/temp" GITHUB_OUTPUT="$scratch/output" \
    bash "$scratch/step.sh" >"$scratch/log" 2>&1
}

cp -r setup scripts "$scratch/"
if run_step "$scratch/setup/action.yml"; then
  echo "an unpinned commit downloaded a binary" >&2; exit 1
fi
grep -q "NoPinnedRelease" "$scratch/log"

"$scratch/scripts/release-pin-binaries.sh" v1.2.3 "$scratch/SHA256SUMS" >/dev/null
run_step "$scratch/setup/action.yml" || { cat "$scratch/log" >&2; exit 1; }
grep -q "^bin=$scratch/temp/$asset$" "$scratch/output"
if grep -q "SHA256SUMS" "$scratch/log"; then echo "fetched SHA256SUMS despite the pin" >&2; exit 1; fi

printf 'tampered\n' >"$scratch/served/$asset"
if run_step "$scratch/setup/action.yml"; then
  echo "a tampered binary passed the pinned checksum" >&2; exit 1
fi
echo "setup/action.yml pinning: unpinned refuses, pinned passes, tampered fails"
