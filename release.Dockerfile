# The release image, assembled from the static binaries the release workflow built natively on
# x86_64 and arm64 runners: nothing is compiled here, so no platform needs emulation. The build
# context is a folder holding esa-publish-amd64, esa-publish-arm64 (mode 0555) and
# ca-certificates.crt. It builds under BuildKit and under the legacy builder alike (no
# `COPY --chmod`; `TARGETARCH`, which BuildKit sets per platform, defaults to amd64), so that
# scripts/container-test.sh can build and run it where only the legacy builder works.
# (The Dockerfile next to this one builds from source, for a checkout that is not a release.)
FROM scratch
ARG TARGETARCH=amd64
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY esa-publish-${TARGETARCH} /esa-publish
ENTRYPOINT ["/esa-publish"]
