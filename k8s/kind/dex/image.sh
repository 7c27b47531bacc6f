#!/usr/bin/env bash
# Build the Dex image k8s/kind/infra/dex.yaml runs and load it into the kind cluster:
#
#   k8s/kind/dex/image.sh [cluster]    # default cluster: shopkeeper (k8s/kind/cluster.sh up)
#
# The tag is the pin of hack/versions.env; Tilt builds the same Dockerfile itself (Tiltfile).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../../.." && pwd)"
CLUSTER=${1:-shopkeeper}
IMAGE="shopkeeper/dex:v$(sed -n 's/^DEX_VERSION=//p' "$ROOT/hack/versions.env")"

docker build --tag "$IMAGE" --file "$ROOT/k8s/kind/dex/Dockerfile" "$ROOT/hack/gobuild/dex"
kind load docker-image "$IMAGE" --name "$CLUSTER"
