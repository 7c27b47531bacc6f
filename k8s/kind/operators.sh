#!/usr/bin/env bash
# Install the third-party operators Shopkeeper composes into the current kubectl context:
#
#   k8s/kind/operators.sh strimzi      # Strimzi 1.2.0 (Kafka, KafkaConnect, KafkaTopic), all namespaces
#   k8s/kind/operators.sh cnpg         # CloudNativePG 1.30.0 (PostgreSQL)
#   k8s/kind/operators.sh monitoring   # kube-prometheus-stack: Prometheus Operator, Prometheus, Grafana
#   k8s/kind/operators.sh all          # strimzi and cnpg
#
# Idempotent: running it again upgrades in place. The versions match the CRDs the tests validate
# against (hack/versions.env, `make deps`). Needs helm, kubectl and network access to the projects' registries.
set -euo pipefail

STRIMZI_VERSION=1.2.0
CNPG_VERSION=1.30.0
TIMEOUT=${TIMEOUT:-600s}

strimzi() {
  helm upgrade --install strimzi oci://quay.io/strimzi-helm/strimzi-kafka-operator \
    --version "$STRIMZI_VERSION" --namespace strimzi --create-namespace \
    --set watchAnyNamespace=true --wait --timeout "$TIMEOUT"
}

cnpg() {
  kubectl apply --server-side --force-conflicts -f \
    "https://github.com/cloudnative-pg/cloudnative-pg/releases/download/v${CNPG_VERSION}/cnpg-${CNPG_VERSION}.yaml"
  kubectl -n cnpg-system rollout status deployment/cnpg-controller-manager --timeout "$TIMEOUT"
}

monitoring() {
  # Grafana's sidecar loads every ConfigMap labelled grafana_dashboard=1 (the chart's dashboards);
  # Prometheus selects every ServiceMonitor and PrometheusRule, whatever their labels.
  helm upgrade --install kube-prometheus-stack kube-prometheus-stack \
    --repo https://prometheus-community.github.io/helm-charts \
    --namespace monitoring --create-namespace \
    --set grafana.sidecar.dashboards.enabled=true \
    --set grafana.sidecar.dashboards.searchNamespace=ALL \
    --set prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues=false \
    --set prometheus.prometheusSpec.ruleSelectorNilUsesHelmValues=false \
    --set alertmanager.enabled=false \
    --wait --timeout "$TIMEOUT"
}

case "${1:-}" in
  strimzi) strimzi ;;
  cnpg) cnpg ;;
  monitoring) monitoring ;;
  all) strimzi; cnpg ;;
  *) echo "usage: $0 strimzi|cnpg|monitoring|all" >&2; exit 2 ;;
esac
