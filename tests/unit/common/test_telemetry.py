"""Tracing set up from the settings' OTEL_* variables; FastAPI requests traced by route template."""

import io
import json
import logging
import os
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from shop.common.app import create_app
from shop.common.logging_setup import configure_logging
from shop.common.settings import ServiceSettings
from shop.common.telemetry import build_tracer_provider, configure_telemetry, install_span_exporter
from shop.common.tracing import Tracing


def _tracing(service_name: str, service_version: str | None = None) -> Tracing:
    """The tracing of a process named `service_name`, as its settings read the environment."""
    settings = ServiceSettings(
        service_name=service_name,
        database_url="postgresql://shop:s3cr3t@db/shop",
        kafka_bootstrap_servers="k:9092",
    )
    return settings.tracing(service_version)


class OtlpReceiver(ThreadingHTTPServer):
    """A real HTTP endpoint that records what OTLP/HTTP exporters post to it."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        super().__init__(("127.0.0.1", 0), _OtlpHandler)


class _OtlpHandler(BaseHTTPRequestHandler):
    server: OtlpReceiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[OtlpReceiver]:
    server = OtlpReceiver()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_TRACES_EXPORTER", raising=False)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name.startswith("OTEL_")]:
            patch.delenv(name)
        install_span_exporter(exporter, "telemetry-tests")
    return exporter


def test_spans_are_exported_by_otlp_http_to_the_configured_endpoint(
    receiver: OtlpReceiver,
) -> None:
    provider = build_tracer_provider(_tracing("catalog", "1.2.3"))
    with provider.get_tracer("test").start_as_current_span("reserve stock"):
        pass
    assert provider.force_flush(5000)
    provider.shutdown()

    [(path, content_type, body)] = receiver.requests
    assert (path, content_type) == ("/v1/traces", "application/x-protobuf")
    request = ExportTraceServiceRequest.FromString(body)
    [resource_spans] = request.resource_spans
    resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
    assert (resource["service.name"], resource["service.version"]) == ("catalog", "1.2.3")
    assert resource_spans.scope_spans[0].spans[0].name == "reserve stock"


def test_otel_service_name_wins_over_the_code(
    receiver: OtlpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_SERVICE_NAME", "catalog-canary")
    provider = build_tracer_provider(_tracing("catalog"))
    assert provider.resource.attributes["service.name"] == "catalog-canary"
    provider.shutdown()


def test_no_spans_leave_when_the_traces_exporter_is_none(
    receiver: OtlpReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    provider = build_tracer_provider(_tracing("catalog"))
    with provider.get_tracer("test").start_as_current_span("quiet"):
        pass
    assert provider.force_flush(5000)
    provider.shutdown()
    assert receiver.requests == []


def test_the_sdk_disabled_variable_turns_everything_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SDK_DISABLED", "TRUE")
    assert configure_telemetry(_tracing("catalog")) is None


def test_configuring_twice_keeps_the_first_provider(spans: InMemorySpanExporter) -> None:
    first = configure_telemetry(_tracing("catalog"))
    assert first is not None
    assert configure_telemetry(_tracing("catalog")) is first
    assert trace.get_tracer_provider() is first


router = APIRouter(prefix="/products")


@router.get("/{product_id}")
async def show(product_id: int) -> dict[str, int]:
    if product_id == 0:
        raise RuntimeError("boom")
    return {"id": product_id}


@pytest.fixture
async def client(spans: InMemorySpanExporter) -> AsyncIterator[httpx.AsyncClient]:
    settings = ServiceSettings(
        database_url="postgresql://shop:pw@127.0.0.1:9/shop", kafka_bootstrap_servers="127.0.0.1:9"
    )
    app: FastAPI = create_app(title="Traced", settings=settings, routers=[router])
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
        spans.clear()
        yield client


def server_spans(spans: InMemorySpanExporter) -> list[str]:
    return [span.name for span in spans.get_finished_spans() if span.kind == SpanKind.SERVER]


async def test_a_request_is_traced_under_its_route_template_continuing_the_callers_trace(
    client: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    traceparent = f"00-{trace_id}-00f067aa0ba902b7-01"
    response = await client.get("/products/7", headers={"traceparent": traceparent})

    assert response.status_code == 200
    [span] = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert span.name == "GET /products/{product_id}"
    assert span.attributes is not None
    assert span.attributes["http.route"] == "/products/{product_id}"
    assert format(span.context.trace_id, "032x") == trace_id


async def test_probes_are_not_traced(
    client: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    await client.get("/livez")
    await client.get("/metrics")
    assert server_spans(spans) == []


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    level = root.level
    buffer = io.StringIO()
    handler = configure_logging("INFO", stream=buffer)
    yield buffer
    root.removeHandler(handler)
    root.setLevel(level)


async def test_an_unhandled_error_marks_the_span_and_logs_the_trace_id_given_to_the_caller(
    client: httpx.AsyncClient, spans: InMemorySpanExporter, json_log: io.StringIO
) -> None:
    response = await client.get("/products/0")

    [span] = [s for s in spans.get_finished_spans() if s.kind == SpanKind.SERVER]
    trace_id = format(span.context.trace_id, "032x")
    assert response.status_code == 500
    assert response.json()["traceId"] == trace_id
    assert span.status.status_code == StatusCode.ERROR
    entries = [json.loads(line) for line in json_log.getvalue().splitlines()]
    [entry] = [entry for entry in entries if entry["logger"] == "shop.http"]
    assert entry["trace_id"] == trace_id
    assert entry["request_id"] == response.headers["x-request-id"]
    assert "RuntimeError: boom" in entry["exception"]
