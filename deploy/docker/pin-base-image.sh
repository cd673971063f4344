#!/usr/bin/env bash
# Pins the Node base image of the Dockerfiles to the digest Docker resolves for its tag now:
#   ARG NODE_IMAGE=node:24.22.3-bookworm-slim  ->  ARG NODE_IMAGE=node:24.22.3-bookworm-slim@sha256:<digest>
# Run it (with Docker and network) when bumping the tag, review the diff, commit it. An already pinned line is
# re-resolved for its tag. Exit codes: 0 pinned, 3 docker missing, 4 the tag did not resolve.
set -euo pipefail
cd "$(dirname "$0")"
FILES=${DOCKERFILES:-"gateway.Dockerfile cloud-sink.Dockerfile"}
command -v docker >/dev/null || { echo "pin-base-image.sh: docker is not installed" >&2; exit 3; }
for f in $FILES; do
  line=$(grep -m1 '^ARG NODE_IMAGE=' "$f") || { echo "pin-base-image.sh: no ARG NODE_IMAGE in $f" >&2; exit 4; }
  tag=${line#ARG NODE_IMAGE=}
  tag=${tag%%@*}
  digest=$(docker buildx imagetools inspect "$tag" | awk '/^Digest:/ {print $2; exit}' || true)
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "pin-base-image.sh: $tag did not resolve to a digest" >&2; exit 4; }
  sed -i "s|^ARG NODE_IMAGE=.*|ARG NODE_IMAGE=$tag@$digest|" "$f"
  echo "$f: $tag@$digest"
done
