#!/usr/bin/env bash
# Switches action.yml from building its Dockerfile to running a prebuilt image, pinned by digest:
#   scripts/release-pin-image.sh ghcr.io/owner/esa-publish:v1.2.3@sha256:<64 hex>
# The release workflow runs this in a release commit that the major tag (v1) then points at, so
# users of @v1 pull the image in seconds instead of compiling at every job. main keeps
# `image: Dockerfile`, so a plain checkout still builds from source.
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:?usage: release-pin-image.sh REGISTRY/NAME:TAG@sha256:DIGEST}
if ! [[ "$image" =~ ^[a-z0-9.-]+(/[a-z0-9._-]+)+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}$ ]]; then
  echo "not an image pinned by digest: $image" >&2
  exit 2
fi
grep -q "^  image: Dockerfile$" action.yml || { echo "action.yml does not build its Dockerfile" >&2; exit 1; }
sed -i "s|^  image: Dockerfile$|  image: docker://${image}|" action.yml
grep -n "^  image:" action.yml
