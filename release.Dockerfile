# syntax=docker/dockerfile:1
# The release image, assembled from the static binaries the release workflow built natively on
# x86_64 and arm64 runners: nothing is compiled here, so no platform needs emulation. The build
# context is a folder holding esa-publish-amd64, esa-publish-arm64 and ca-certificates.crt.
# (The Dockerfile next to this one builds from source, for a checkout that is not a release.)
FROM scratch
ARG TARGETARCH
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --chmod=0555 esa-publish-${TARGETARCH} /esa-publish
ENTRYPOINT ["/esa-publish"]
