# syntax=docker/dockerfile:1.7
# One image for every Shopkeeper process: the shop's services (`shop run <process>`), the web
# app's server (built by `make web` first) and the operator (`shopkeeper`). Kubernetes sets
# the command; the image only provides the programs.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: resolve the locked dependencies into /app/.venv with uv -----------------------
FROM ${PYTHON_IMAGE} AS builder

# Keep in step with UV_VERSION in hack/versions.env (a unit test checks it).
ARG UV_VERSION=0.13.8
RUN pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

# Then the project itself, installed editable so its sources stay under /app/services and
# /app/operator, where Tilt's live_update syncs edited files.
COPY services/ services/
COPY operator/ operator/
RUN uv sync --frozen --no-dev \
    && python -m compileall -q services operator

# --- runtime: the interpreter, the virtualenv and the sources; no uv, no compilers -----------
FROM ${PYTHON_IMAGE} AS runtime

LABEL org.opencontainers.image.title="shopkeeper" \
      org.opencontainers.image.description="Shopkeeper services and operator" \
      org.opencontainers.image.licenses="Apache-2.0"

# Read-only root filesystem: nothing writes outside /tmp (mount an emptyDir there).
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TMPDIR=/tmp

# Owner of the sources: root (read-only) by default; Tilt builds with SOURCE_OWNER=65532:65532 so
# that live_update can sync edited files into a running container.
ARG SOURCE_OWNER=0:0

WORKDIR /app
COPY --from=builder /app/.venv /app/.venv
COPY --from=builder --chown=${SOURCE_OWNER} /app/services /app/services
COPY --from=builder --chown=${SOURCE_OWNER} /app/operator /app/operator
# The storefront's static build (`make web` writes web/dist before the image is built; the
# image build runs no npm): `shop run storefront-web` serves it, configured at run time.
COPY web/dist/ /app/web/dist/

# A numeric user, so `runAsNonRoot: true` can be verified by the kubelet.
USER 65532:65532

CMD ["shop", "--help"]
