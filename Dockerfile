# syntax=docker/dockerfile:1
# Build a static (musl) binary, then ship it alone with a CA bundle.
# The rust:*-alpine3.23 image already has musl-dev, gcc (for ring) and ca-certificates.
FROM rust:1.95.0-alpine3.23 AS build
WORKDIR /src
# The workspace needs its members' manifests and sources to resolve, even though only
# esa-publish (and the engine it is built on) is built: the stand-in, the hosts' emulation and
# the soak are test-only crates.
COPY Cargo.toml Cargo.lock ./
COPY engine/Cargo.toml engine/Cargo.toml
COPY engine/src engine/src
COPY standin/Cargo.toml standin/Cargo.toml
COPY standin/src standin/src
COPY hosts/Cargo.toml hosts/Cargo.toml
COPY hosts/src hosts/src
COPY soak/Cargo.toml soak/Cargo.toml
COPY soak/src soak/src
COPY src src
RUN cargo build --release --locked -p esa-publish \
    && cp target/release/esa-publish /esa-publish

# `docker buildx build --target binary --output type=local,dest=out` exports just the binary
# (handy for a local static build; releases build natively, see release.Dockerfile).
FROM scratch AS binary
COPY --from=build /esa-publish /esa-publish

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /esa-publish /esa-publish
ENTRYPOINT ["/esa-publish"]
