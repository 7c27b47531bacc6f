#!/usr/bin/env bash
# Create (up) or delete (down) the kind cluster `shopkeeper` and its local registry.
#
#   k8s/kind/cluster.sh up     # kind cluster + registry on localhost:5001, kubectl context kind-shopkeeper
#   k8s/kind/cluster.sh down
#
# The registry is reachable as localhost:5001 from the host (docker push, Tilt) and as
# kind-registry:5000 from inside the cluster (Strimzi's KafkaConnect build pushes there).
set -euo pipefail

CLUSTER=shopkeeper
REGISTRY=kind-registry
REGISTRY_PORT=5001
HERE="$(cd "$(dirname "$0")" && pwd)"

up() {
  if [ "$(docker inspect -f '{{.State.Running}}' "$REGISTRY" 2>/dev/null || true)" != "true" ]; then
    docker run -d --restart=always -p "127.0.0.1:${REGISTRY_PORT}:5000" --network bridge \
      --name "$REGISTRY" registry:2
  fi
  if ! kind get clusters | grep -qx "$CLUSTER"; then
    kind create cluster --config "$HERE/cluster.yaml" --wait 120s
  fi
  # Both names of the registry resolve to the registry container from every node.
  for node in $(kind get nodes --name "$CLUSTER"); do
    for host in "localhost:${REGISTRY_PORT}" "${REGISTRY}:5000"; do
      docker exec "$node" mkdir -p "/etc/containerd/certs.d/${host}"
      printf '[host."http://%s:5000"]\n' "$REGISTRY" |
        docker exec -i "$node" cp /dev/stdin "/etc/containerd/certs.d/${host}/hosts.toml"
    done
  done
  if [ "$(docker inspect -f '{{json .NetworkSettings.Networks.kind}}' "$REGISTRY")" = "null" ]; then
    docker network connect kind "$REGISTRY"
  fi
  # Tells Tilt (and other tools) where to push: KEP-1755 local registry hosting.
  kubectl --context "kind-${CLUSTER}" apply -f - <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-registry-hosting
  namespace: kube-public
data:
  localRegistryHosting.v1: |
    host: "localhost:${REGISTRY_PORT}"
    hostFromClusterNetwork: "${REGISTRY}:5000"
    help: "https://kind.sigs.k8s.io/docs/user/local-registry/"
YAML
}

down() {
  kind delete cluster --name "$CLUSTER"
  docker rm -f "$REGISTRY" >/dev/null 2>&1 || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
