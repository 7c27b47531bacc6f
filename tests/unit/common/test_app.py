"""The app factory: probes, RED metrics by route template, OpenAPI, worker task supervision."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel, Field

from shop.common.app import ProcessDep, create_app
from shop.common.background import BackgroundTasks
from shop.common.openapi import problem_responses
from shop.common.process import ProcessContext
from shop.common.settings import ServiceSettings
from shop.common.worker import create_worker_app
from support.polling import wait_until_async

# Closed loopback ports: nothing is ever connected in these tests.
SETTINGS = ServiceSettings(
    database_url="postgresql://shop:pw@127.0.0.1:9/shop",
    kafka_bootstrap_servers="127.0.0.1:9",
    readiness_timeout_seconds=0.5,
    shutdown_timeout_seconds=1,
)


NEW = {"sku": "sku-42", "price_cents": 1999}


class NewProduct(BaseModel):
    sku: str = Field(examples=["sku-42"])
    price_cents: int = Field(gt=0, examples=[1999])


router = APIRouter(prefix="/products", tags=["products"])


@router.post("", status_code=201)
async def create_product(product: NewProduct) -> NewProduct:
    return product


@router.get("/{product_id}", responses=problem_responses(404))
async def show_product(product_id: int, process: ProcessDep) -> dict[str, object]:
    return {"id": product_id, "service": process.settings.service_name}


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://shop") as client,
    ):
        yield client


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float | None:
    return registry.get_sample_value(name, labels)


async def test_requests_are_counted_by_route_template_not_raw_path() -> None:
    registry = CollectorRegistry()
    app = create_app(title="Catalog", settings=SETTINGS, routers=[router], registry=registry)
    async with running(app) as client:
        for product_id in (1, 2, 3):
            assert (await client.get(f"/products/{product_id}")).status_code == 200
        await client.get("/no/such/path")
        await client.request("BREW", "/products/1")
        metrics = (await client.get("/metrics")).text

    route = "/products/{product_id}"
    requests = "shop_http_requests_total"
    assert sample(registry, requests, method="GET", route=route, status="200") == 3
    assert sample(registry, requests, method="GET", route="<unmatched>", status="404") == 1
    assert sample(registry, requests, method="OTHER", route=route, status="405") == 1
    durations = "shop_http_request_duration_seconds_count"
    assert sample(registry, durations, method="GET", route=route) == 3
    assert "shop_http_requests_in_flight 1.0" in metrics  # the /metrics request itself
    assert sample(registry, "shop_http_requests_in_flight") == 0
    assert "/products/1" not in metrics
    assert 'route="/products/{product_id}"' in metrics


async def test_routes_are_served_under_the_public_prefix_too_with_one_route_template() -> None:
    registry = CollectorRegistry()
    app = create_app(
        title="Catalog",
        settings=SETTINGS,
        routers=[router],
        registry=registry,
        public_prefix="/catalog",
    )
    async with running(app) as client:
        assert (await client.get("/catalog/products/7")).json()["id"] == 7
        assert (await client.get("/api/catalog/products/7")).json()["id"] == 7
        assert (await client.get("/products/7")).json()["id"] == 7
        assert (await client.post("/catalog/products", json=NEW)).status_code == 201
        assert (await client.get("/catalog/livez")).json() == {"status": "ok"}
        assert (await client.get("/catalogue/products/7")).status_code == 404
        problem = await client.get("/catalog/products/x")
        docs = await client.get("/catalog/docs")

    assert problem.status_code == 422
    assert problem.headers["content-type"] == "application/problem+json"
    assert "/catalog/openapi.json" in docs.text  # Swagger UI loads the schema through the prefix
    route = "/products/{product_id}"
    requests = "shop_http_requests_total"
    assert sample(registry, requests, method="GET", route=route, status="200") == 3


async def test_a_route_that_starts_with_the_prefix_is_still_served_as_declared() -> None:
    app = create_app(
        title="Products", settings=SETTINGS, routers=[router], public_prefix="/products"
    )
    async with running(app) as client:
        assert (await client.get("/products/7")).json()["id"] == 7
        assert (await client.get("/products/products/7")).json()["id"] == 7


async def test_metrics_are_served_as_openmetrics_when_asked() -> None:
    app = create_app(title="Catalog", settings=SETTINGS, registry=CollectorRegistry())
    async with running(app) as client:
        response = await client.get(
            "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
        )
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.rstrip().endswith("# EOF")


async def test_the_default_registry_carries_process_metrics() -> None:
    app = create_app(title="Catalog", settings=SETTINGS)
    async with running(app) as client:
        text = (await client.get("/metrics")).text
    assert "process_resident_memory_bytes" in text
    assert "python_gc_collections_total" in text


async def test_metrics_named_by_the_scraper_are_the_only_ones_served() -> None:
    registry = CollectorRegistry()
    Counter("shop_orders_placed", "Orders placed", registry=registry).inc()
    Counter("shop_products_read", "Products read", registry=registry).inc()
    app = create_app(title="Catalog", settings=SETTINGS, registry=registry)
    async with running(app) as client:
        text = (await client.get("/metrics", params={"name[]": "shop_orders_placed_total"})).text
    assert "shop_orders_placed_total 1.0" in text
    assert "shop_products_read" not in text
    assert "shop_http_requests" not in text


async def test_livez_answers_without_any_dependency() -> None:
    app = create_app(title="Catalog", settings=SETTINGS)
    async with running(app) as client:
        response = await client.get("/livez")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_is_503_before_start_up() -> None:
    app = create_app(title="Catalog", settings=SETTINGS)
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
        response = await client.get("/readyz")
    assert (response.status_code, response.json()["status"]) == (503, "created")


async def test_readyz_reports_every_check_by_name_and_a_hung_one_as_timed_out() -> None:
    async def healthy() -> None:
        return None

    async def hung() -> None:
        await asyncio.Event().wait()

    async def register_checks(process: ProcessContext) -> None:
        process.add_readiness_check("cache", healthy)
        process.add_readiness_check("gateway", hung)

    app = create_app(title="Catalog", settings=SETTINGS, lifespan_hooks=[register_checks])
    async with running(app) as client:
        response = await client.get("/readyz")

    checks = response.json()["checks"]
    assert response.status_code == 503
    assert set(checks) == {"database", "kafka", "cache", "gateway"}
    assert checks["cache"]["status"] == "ok"
    assert checks["gateway"] == {
        "status": "fail",
        "durationMs": checks["gateway"]["durationMs"],
        "error": "no answer within 0.5s",
    }
    assert checks["database"]["status"] == "fail"
    assert "Connect call failed" in checks["database"]["error"]
    assert checks["kafka"]["status"] == "fail"


async def test_openapi_documents_problems_and_keeps_the_examples() -> None:
    app = create_app(title="Catalog", settings=SETTINGS, routers=[router])
    async with running(app) as client:
        schema = (await client.get("/openapi.json")).json()

    create = schema["paths"]["/products"]["post"]["responses"]
    show = schema["paths"]["/products/{product_id}"]["get"]["responses"]
    problem = "application/problem+json"
    assert create["422"]["content"][problem]["schema"]["$ref"].endswith("/ValidationProblem")
    assert show["404"]["content"][problem]["schema"]["$ref"].endswith("/Problem")
    assert show["500"]["content"][problem]["schema"]["$ref"].endswith("/Problem")
    components = schema["components"]["schemas"]
    assert components["NewProduct"]["properties"]["sku"]["examples"] == ["sku-42"]
    assert "HTTPValidationError" not in components
    assert not {"/livez", "/readyz", "/metrics"} & set(schema["paths"])


async def test_a_crashed_worker_task_fails_liveness_and_the_others_keep_running() -> None:
    ticks: list[int] = []

    async def crash(_: ProcessContext) -> None:
        raise RuntimeError("poison message")

    async def tick(_: ProcessContext) -> None:
        while True:
            ticks.append(1)
            await asyncio.sleep(0.01)

    app = create_worker_app(settings=SETTINGS, tasks={"consumer": crash, "timer": tick})
    async with running(app) as client:

        async def not_alive() -> bool:
            return (await client.get("/livez")).status_code == 503

        await wait_until_async(not_alive, within=5, what="not live", interval=0.02)
        body = (await client.get("/livez")).json()
        count = len(ticks)
        await wait_until_async(
            lambda: asyncio.sleep(0, len(ticks) > count), within=5, what="ticking", interval=0.02
        )
    assert body == {
        "status": "fail",
        "failures": ["background task consumer crashed: RuntimeError: poison message"],
    }
    assert app.state.process.stopped_cleanly is False


async def test_stopping_cancels_tasks_and_awaits_their_cleanup() -> None:
    cleaned: list[str] = []
    started = asyncio.Event()

    async def consume() -> None:
        try:
            started.set()
            await asyncio.Event().wait()
        finally:
            await asyncio.sleep(0.01)  # an async cleanup, like consumer.stop()
            cleaned.append("consumer")

    tasks = BackgroundTasks()
    tasks.add("consumer", consume)
    tasks.start()
    await started.wait()
    assert await tasks.stop(deadline_seconds=2)
    assert cleaned == ["consumer"]
    assert tasks.failures() == []


async def test_a_task_that_outlives_the_deadline_makes_the_stop_unclean() -> None:
    release = asyncio.Event()

    async def stubborn() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await release.wait()

    tasks = BackgroundTasks()
    tasks.add("stubborn", stubborn)
    tasks.start()
    await asyncio.sleep(0)
    assert not await tasks.stop(deadline_seconds=0.05)
    release.set()


def test_task_names_are_unique() -> None:
    tasks = BackgroundTasks()
    tasks.add("relay", asyncio.Event().wait)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'relay' is already registered"):
        tasks.add("relay", asyncio.Event().wait)  # type: ignore[arg-type]


async def test_a_failing_hook_closes_what_was_opened_and_fails_start_up() -> None:
    closed: list[str] = []

    async def open_then_fail(process: ProcessContext) -> None:
        async def close() -> None:
            closed.append("producer")

        process.exit_stack.push_async_callback(close)
        raise ConnectionError("schema registry down")

    process = ProcessContext(SETTINGS, CollectorRegistry())
    with pytest.raises(ConnectionError):
        await process.start([open_then_fail])
    assert closed == ["producer"]
    assert process.phase == "stopped"


async def test_each_request_is_logged_with_its_route_and_probes_only_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(title="Catalog", settings=SETTINGS, routers=[router])
    with caplog.at_level(logging.INFO, logger="shop.http.access"):
        async with running(app) as client:
            await client.get("/products/5")
            await client.get("/livez")
    [record] = [r for r in caplog.records if r.name == "shop.http.access"]
    assert record.getMessage() == "GET /products/5 200"
    assert record.http_route == "/products/{product_id}"  # type: ignore[attr-defined]
    assert record.duration_ms > 0  # type: ignore[attr-defined]
