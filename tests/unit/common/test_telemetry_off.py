"""With the SDK disabled (`OTEL_SDK_DISABLED=true`, the local stack's default), serving a
request or checking a span asks nothing of OpenTelemetry's global providers."""

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import APIRouter
from opentelemetry import metrics, trace

from shop.common.app import create_app
from shop.common.settings import ServiceSettings

router = APIRouter()


@router.get("/ping")
async def ping() -> dict[str, str]:
    return {"pong": "yes"}


def _settings(*, disabled: bool) -> ServiceSettings:
    return ServiceSettings(
        database_url="postgresql://shop:pw@127.0.0.1:9/shop",
        kafka_bootstrap_servers="127.0.0.1:9",
        otel_sdk_disabled=disabled,
    )


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[None]:
    calls: list[None] = []
    real: Callable[[], Any] = getattr(module, name)

    def counted() -> Any:
        calls.append(None)
        return real()

    monkeypatch.setattr(module, name, counted)
    return calls


async def _serve_one(disabled: bool) -> None:
    app = create_app(title="t", settings=_settings(disabled=disabled), routers=[router])
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
        assert (await client.get("/ping")).json() == {"pong": "yes"}


@pytest.mark.parametrize("disabled", [True, False])
async def test_a_request_looks_up_the_providers_only_with_the_sdk_enabled(
    monkeypatch: pytest.MonkeyPatch, disabled: bool
) -> None:
    tracer_lookups = _counting(monkeypatch, trace, "get_tracer_provider")
    meter_lookups = _counting(monkeypatch, metrics, "get_meter_provider")
    await _serve_one(disabled)
    looked_up = len(tracer_lookups) + len(meter_lookups)
    assert (looked_up == 0) if disabled else (looked_up > 0)


def test_a_process_with_the_sdk_disabled_holds_a_no_op_tracer_provider() -> None:
    """In a process of its own: the global provider is set once per process."""
    program = (
        "from opentelemetry import trace\n"
        "from shop.common.server import prepare_process\n"
        "from shop.common.settings import ServiceSettings\n"
        "from shop.common.trace_context import tracing_active\n"
        "prepare_process(ServiceSettings(database_url='postgresql://u:p@127.0.0.1:9/s',"
        " kafka_bootstrap_servers='127.0.0.1:9'))\n"
        "print(type(trace.get_tracer_provider()).__name__, tracing_active())\n"
    )
    env = {**os.environ, "OTEL_SDK_DISABLED": "true"}
    done = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["NoOpTracerProvider", "False"]
