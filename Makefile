# Shopkeeper — the README's commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

include hack/versions.env

CACHE ?= $(or $(SHOPKEEPER_CACHE),$(HOME)/.cache/shopkeeper)
UV := $(or $(shell command -v uv 2>/dev/null),$(CACHE)/uv-$(UV_VERSION)/bin/uv)
export PYTHONPATH := $(CURDIR)/hack
export PATH := $(dir $(UV)):$(PATH)
PYTEST := $(UV) run --frozen pytest

.PHONY: help deps venv up test unit integration e2e kind bench lint cluster-up cluster-down chart-sync

help: ## list the commands
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(CACHE)/uv-$(UV_VERSION)/bin/uv:
	@echo "deps: installing uv $(UV_VERSION) into $(CACHE)"
	@python3 -m venv $(CACHE)/uv-$(UV_VERSION)
	@$(CACHE)/uv-$(UV_VERSION)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

venv: $(UV) ## create .venv from the lock file
	@$(UV) sync --frozen --quiet

deps: venv ## provision PostgreSQL, Kafka, Kafka Connect + Debezium, kube-apiserver, etcd, helm, upstream CRDs
	@$(UV) run --frozen python -m localinfra deps

OUTBOX ?= relay
up: deps ## run the whole shop locally, live status (OUTBOX=debezium; Ctrl-C stops everything)
	@$(UV) run --frozen python -m localinfra up --outbox $(OUTBOX) $(UP_FLAGS)

test: deps ## every test tier: unit, integration, e2e (kind tests skip without a kind cluster)
	@$(PYTEST) tests

unit: venv ## unit tests only
	@$(PYTEST) -m unit tests

integration: deps ## integration tests on real infrastructure
	@$(PYTEST) -m integration tests

e2e: deps ## end-to-end tests of the local shop
	@$(PYTEST) -m e2e tests

kind: venv ## end-to-end tests on a kind cluster (needs Docker and KUBECONFIG)
	@$(PYTEST) -m kind tests

bench: deps ## benchmarks: print figures, draw plots into bench/out/
	@for script in bench/*.py; do echo "== $$script"; $(UV) run --frozen python -P $$script || exit 1; done

lint: venv ## ruff and mypy
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen ruff format --check .
	@$(UV) run --frozen mypy services operator hack/localinfra tests bench

cluster-up: deps ## a local Kubernetes control plane for kubectl (see hack/local-cluster)
	@hack/local-cluster up

cluster-down: ## stop the local control plane
	@hack/local-cluster down

chart-sync: ## copy crds/ and k8s/operator's RBAC into the chart (a test fails when they drift)
	@cp crds/*.shopkeeper.dev.yaml charts/shopkeeper/files/crds/
	@cp k8s/operator/rbac.yaml charts/shopkeeper/files/operator-rbac.yaml
