# hvac-edge gateway image for gateway nodes (amd64 and arm64):
#   docker buildx build --platform linux/amd64,linux/arm64 -f deploy/docker/gateway.Dockerfile -t hvac-edge/gateway .
# Configuration through GATEWAY_* variables (docs/configuration.md); the embedded store lives on the /data volume.
# The image forwards to Kafka and carries no TensorFlow.js; for a single box that runs the cloud sink in the gateway
# (embeddedSink.enabled) build it with --build-arg EMBEDDED_SINK=true.
# The base image: Node 24 (LTS, maintained to 2028-04), an exact release. deploy/docker/pin-base-image.sh adds its
# digest (sha256) here after resolving it with Docker; no digest is written that was not resolved that way.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim
FROM ${NODE_IMAGE} AS build
ARG EMBEDDED_SINK=false
WORKDIR /src
# Toolchain for native modules (better-sqlite3) when no prebuilt binary matches the platform.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
RUN corepack disable && npm install -g pnpm@10.34.9
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm --filter @hvac-edge/shared build && pnpm --filter @hvac-edge/cloud-sink build && pnpm --filter @hvac-edge/gateway build \
 && if [ "$EMBEDDED_SINK" = true ]; then OPTIONAL=""; else OPTIONAL="--no-optional"; fi \
 && pnpm deploy --filter @hvac-edge/gateway --prod ${OPTIONAL} /out

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=build /out /app/gateway
RUN mkdir -p /data && chown 10001:10001 /data
VOLUME /data
# MALLOC_ARENA_MAX: two malloc arenas instead of one per thread, as the systemd unit sets (see it for why).
ENV GATEWAY_HTTP_HOST=0.0.0.0 \
    MALLOC_ARENA_MAX=2 \
    GATEWAY_STORE_PATH=/data/gateway.db \
    GATEWAY_EMBEDDED_SINK_POINTS_PATH=/data/points.db
USER 10001:10001
EXPOSE 59880
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:59880/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
STOPSIGNAL SIGTERM
# Node's flags as the systemd unit sets them (see it for why); run the container with a memory limit (compose: 512m),
# from which Node sizes V8's old generation.
CMD ["node", "--max-semi-space-size=8", "gateway/dist/main.js"]
