# hvac-edge cloud sink image (amd64 and arm64: docker buildx build --platform linux/amd64,linux/arm64 -f deploy/docker/cloud-sink.Dockerfile .)
# The base image: Node 24 (LTS, maintained to 2028-04), an exact release. deploy/docker/pin-base-image.sh adds its
# digest (sha256) here after resolving it with Docker; no digest is written that was not resolved that way.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim
FROM ${NODE_IMAGE} AS build
WORKDIR /src
RUN corepack disable && npm install -g pnpm@10.34.9
COPY . .
RUN pnpm install --frozen-lockfile && pnpm --filter @hvac-edge/shared --filter @hvac-edge/cloud-sink build \
 && pnpm deploy --filter @hvac-edge/cloud-sink --prod /out
# The native TensorFlow backend: its install script downloads libtensorflow (network needed at build time). Without
# it the sink runs on the wasm backend, and says so in its log and in hvac_sink_inference_backend.
RUN cd /out && (npm rebuild @tensorflow/tfjs-node || echo "tfjs-node not built: the sink will use the wasm backend")

FROM ${NODE_IMAGE}
WORKDIR /app
COPY --from=build /out /app/cloud-sink
USER 10001:10001
EXPOSE 8080
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "cloud-sink/dist/main.js"]
