#!/usr/bin/env bash
# Pins a release into setup/action.yml (the composite fallback): its version and the SHA-256 of
# each binary, written into the download step, so that the commit a user pins says exactly which
# bytes it runs and checks them against checksums fixed in that commit, not fetched from the
# release it is checking.
#   scripts/release-pin-binaries.sh v1.2.3 dist/SHA256SUMS
# The release workflow runs this (with release-pin-image.sh) in the release commit. main keeps
# both values empty, so an unreleased commit refuses to download anything.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: release-pin-binaries.sh vX.Y.Z SHA256SUMS}
sums=${2:?usage: release-pin-binaries.sh vX.Y.Z SHA256SUMS}
if ! [[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "not a release version: $version" >&2
  exit 2
fi
lines=0
while IFS= read -r line; do
  if ! [[ "$line" =~ ^[0-9a-f]{64}\ \ esa-publish-[A-Za-z0-9_.-]+$ ]]; then
    echo "not a SHA256SUMS line of an esa-publish binary: $line" >&2
    exit 2
  fi
  lines=$((lines + 1))
done <"$sums"
[ "$lines" -gt 0 ] || { echo "$sums lists no binary" >&2; exit 2; }
file=setup/action.yml
grep -q '^        pinned_version=""$' "$file" || { echo "$file has no empty pinned_version to fill" >&2; exit 1; }
grep -q '^        pinned_sums=""$' "$file" || { echo "$file has no empty pinned_sums to fill" >&2; exit 1; }
block=$(sed 's/^/        /' "$sums")
awk -v version="$version" -v block="$block" '
  $0 == "        pinned_version=\"\"" { print "        pinned_version=\"" version "\""; next }
  $0 == "        pinned_sums=\"\"" { print "        pinned_sums=\""; print block; print "        \""; next }
  { print }
' "$file" >"$file.new"
mv "$file.new" "$file"
grep -n 'pinned_version=' "$file"
