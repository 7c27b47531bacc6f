# Shopkeeper — the README's commands. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

include hack/versions.env

CACHE ?= $(or $(SHOPKEEPER_CACHE),$(HOME)/.cache/shopkeeper)
UV := $(or $(shell command -v uv 2>/dev/null),$(CACHE)/uv-$(UV_VERSION)/bin/uv)
export PYTHONPATH := $(CURDIR)/hack
export PATH := $(dir $(UV)):$(PATH)
PYTEST := $(UV) run --frozen pytest
# `deps --for TARGET NAME...` provisions what TARGET needs (every component when no name is given)
NEEDS := $(UV) run --frozen python -m localinfra deps --for

.PHONY: help deps venv env up demo locust test unit integration e2e chaos fuzz cluster kind bench lint cluster-up cluster-down repin chart-sync web web-build web-test

help: ## list the commands
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(CACHE)/uv-$(UV_VERSION)/bin/uv:
	@echo "deps: installing uv $(UV_VERSION) into $(CACHE)"
	@python3 -m venv $(CACHE)/uv-$(UV_VERSION)
	@$(CACHE)/uv-$(UV_VERSION)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

venv: $(UV) ## create .venv from the lock file
	@$(UV) sync --frozen --quiet

env: venv ## print exports that put uv, shop, shopkeeper on PATH; eval its output
	@echo 'export PATH="$(abspath $(dir $(UV))):$(CURDIR)/.venv/bin:$$PATH"'
	@echo 'export PYTHONPATH="$(CURDIR)/hack"'

deps: venv ## provision every component: PostgreSQL, Kafka, Debezium, Kubernetes, helm, ...
	@$(NEEDS) "make deps"

OUTBOX ?= relay
UP_NEEDS := postgres kafka dex traefik $(if $(filter debezium,$(OUTBOX))$(findstring --connect,$(UP_FLAGS)),debezium) \
	$(if $(findstring --kube,$(UP_FLAGS)),kube) $(if $(findstring --no-redis,$(UP_FLAGS)),,redis) \
	$(if $(findstring --observability,$(UP_FLAGS)),prometheus helm)
up: venv ## run the whole shop locally behind its gateway, storefront included (needs postgres, kafka, dex, traefik, redis, web; OUTBOX=debezium: debezium)
	@$(NEEDS) "make up (OUTBOX=$(OUTBOX))" $(UP_NEEDS) web
	@$(MAKE) -s web-build
	@$(UV) run --frozen python -m localinfra up --outbox $(OUTBOX) $(UP_FLAGS)

web: venv ## build the storefront and admin web app into web/dist (needs web: npm packages)
	@$(NEEDS) "make web" web
	@$(MAKE) -s web-build

web-build:
	@cd web && npm run --silent build

web-test: venv ## the web app's Vitest unit tests (needs web)
	@$(NEEDS) "make web-test" web
	@cd web && npm test --silent

demo: venv ## orders through a running `make up`'s saga (DEMO_FLAGS="--orders 300"; needs nothing)
	@$(UV) run --frozen shop demo $(DEMO_FLAGS)

LOCUST_FLAGS ?= --headless -u 5 -r 1 -t 60s
locust: venv ## storefront load on a running `make up` by Locust (LOCUST_FLAGS; docs/performance.md)
	@$(UV) run --frozen locust -f bench/storefront_load/locustfile.py $(LOCUST_FLAGS)

test: deps ## every test tier (needs every component; kind tests skip without a kind cluster)
	@$(PYTEST) tests

unit: venv ## unit tests only
	@$(PYTEST) -m unit tests

integration: deps ## integration tests on real infrastructure (needs every component)
	@$(PYTEST) -m integration tests

e2e: venv ## end-to-end tests of the local shop, in Chromium too, seen by Prometheus (needs postgres, kafka, debezium, dex, traefik, web, chromium, prometheus, helm)
	@$(NEEDS) "make e2e" postgres kafka debezium dex traefik web chromium prometheus helm
	@$(PYTEST) -m e2e tests

chaos: venv ## faults under an order load on local shops of their own (needs postgres, kafka, debezium)
	@$(NEEDS) "make chaos" postgres kafka debezium
	@$(PYTEST) -m chaos tests

FUZZ_EXAMPLES ?= 200
FUZZ_STATEFUL_EXAMPLES ?= 40
FUZZ_TIMEOUT ?= 5400
fuzz: venv ## schemathesis on every API, long (FUZZ_EXAMPLES=200 per operation; needs postgres, kafka)
	@$(NEEDS) "make fuzz" postgres kafka
	@SHOP_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) SHOP_FUZZ_STATEFUL_EXAMPLES=$(FUZZ_STATEFUL_EXAMPLES) \
		$(PYTEST) --timeout=$(FUZZ_TIMEOUT) tests/integration/fuzz

cluster: venv ## the shop in pods on a real local node, as root (needs kube, node, netpol, helm, crds, postgres, kafka, dex, traefik, web)
	@$(NEEDS) "make cluster" kube node netpol helm crds postgres kafka dex traefik web
	@$(PYTEST) -m cluster tests

kind: venv ## end-to-end tests on a kind cluster (needs Docker and KUBECONFIG)
	@$(PYTEST) -m kind tests

bench: deps ## benchmarks: print figures, draw plots into bench/out/ (needs every component)
	@for script in bench/*.py; do echo "== $$script"; \
		$(UV) run --frozen python -m bench.$$(basename $$script .py) || exit 1; done

lint: venv ## ruff and mypy
	@$(UV) run --frozen ruff check .
	@$(UV) run --frozen ruff format --check .
	@$(UV) run --frozen mypy services operator hack/localinfra tests bench

cluster-up: venv ## a local Kubernetes control plane for kubectl (see hack/local-cluster; needs kube)
	@$(NEEDS) "make cluster-up" kube
	@hack/local-cluster up

cluster-down: ## stop the local control plane
	@hack/local-cluster down

repin: venv ## after changing a Go pin in hack/versions.env: re-lock hack/gobuild/'s modules
	@$(UV) run --frozen python -m localinfra.repin

chart-sync: ## copy crds/ and k8s/operator's RBAC into the chart (a test fails when they drift)
	@cp crds/*.shopkeeper.dev.yaml charts/shopkeeper/files/crds/
	@cp k8s/operator/rbac.yaml charts/shopkeeper/files/operator-rbac.yaml
