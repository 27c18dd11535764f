#!/usr/bin/env bash
# Moves the major tag (v1) to the release commit of a release (the tag prebuilt/vX.Y.Z), after
# the release is published, and never to an older release than the one the major tag names now:
# when the slow legs of v1.2.3 finish after v1.2.4's, v1 stays at v1.2.4.
#   scripts/release-move-major.sh v1.2.3 REMOTE
# The release workflow runs it last; tests/release.rs runs it against a scratch repository.
set -euo pipefail
tag=${1:?usage: release-move-major.sh vX.Y.Z REMOTE}
remote=${2:?usage: release-move-major.sh vX.Y.Z REMOTE}
if ! [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  echo "not a release version: $tag" >&2
  exit 2
fi
major=${tag%%.*}
git fetch --quiet --force "$remote" "+refs/tags/prebuilt/$major.*:refs/tags/prebuilt/$major.*"
git fetch --quiet --force "$remote" "+refs/tags/$major:refs/tags/$major" 2>/dev/null || true
target=$(git rev-parse --verify "refs/tags/prebuilt/$tag^{commit}")
current=""
if git rev-parse --quiet --verify "refs/tags/$major" >/dev/null; then
  # The release the major tag names now: the newest prebuilt tag on its commit.
  current=$(git tag --points-at "refs/tags/$major" --list "prebuilt/$major.*" | sed 's#^prebuilt/##' | sort -V | tail -n 1)
fi
if [ "$current" = "$tag" ]; then
  echo "$major already names $tag"
  exit 0
fi
if [ -n "$current" ] && [ "$(printf '%s\n%s\n' "$current" "$tag" | sort -V | tail -n 1)" = "$current" ]; then
  echo "$major stays at $current: $tag is older"
  exit 0
fi
git tag --force "$major" "$target" >/dev/null
git push --quiet --force "$remote" "refs/tags/$major"
echo "$major moved to $tag (${target})"
