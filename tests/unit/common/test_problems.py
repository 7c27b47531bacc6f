"""Every error path of an app answers with an RFC 9457 problem."""

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException
from pydantic import BaseModel, Field

from shop.common.app import create_app
from shop.common.errors import ConflictError, DomainError, NotFoundError
from shop.common.problems import PROBLEM_MEDIA_TYPE, field_path
from shop.common.settings import ServiceSettings


class OutOfStockError(ConflictError):
    code = "out-of-stock"
    title = "Not enough stock"


class PaymentDeclinedError(DomainError):
    code = "payment-declined"
    title = "The payment was declined"


class Line(BaseModel):
    sku: str
    quantity: int = Field(gt=0)


class Basket(BaseModel):
    items: list[Line]


router = APIRouter(prefix="/baskets")


@router.post("")
async def check_out(basket: Basket, coupon: str | None = None) -> dict[str, int]:
    return {"lines": len(basket.items)}


@router.get("/{basket_id}")
async def show(basket_id: int, limit: int = 10) -> dict[str, int]:
    errors: dict[int, Exception] = {
        1: NotFoundError(f"no basket {basket_id}", basketId=basket_id),
        2: OutOfStockError("only 1 left of sku-1", sku="sku-1", available=1, status=200),
        3: PaymentDeclinedError("card expired"),
        4: HTTPException(403, "not your basket", headers={"X-Reason": "owner"}),
        5: RuntimeError("password=hunter2 at db.internal:5432"),
    }
    if basket_id in errors:
        raise errors[basket_id]
    return {"id": basket_id, "limit": limit}


@pytest.fixture
def app() -> FastAPI:
    settings = ServiceSettings(
        database_url="postgresql://shop:pw@127.0.0.1:9/shop",
        kafka_bootstrap_servers="127.0.0.1:9",
    )
    return create_app(
        title="Problems",
        settings=settings,
        routers=[router],
        error_statuses={PaymentDeclinedError: 402},
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://shop") as client:
        yield client


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body: dict[str, object] = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["requestId"] == response.headers["x-request-id"]
    return body


@pytest.mark.parametrize(
    ("location", "path"),
    [
        (("body", "items", 0, "quantity"), "body.items[0].quantity"),
        (("query", "limit"), "query.limit"),
        (("body", 3), "body[3]"),
        ((), ""),
    ],
)
def test_field_paths_read_like_the_json_they_point_into(
    location: tuple[str | int, ...], path: str
) -> None:
    assert field_path(location) == path


async def test_validation_errors_name_every_field_path(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/baskets", json={"items": [{"sku": "a", "quantity": 0}, {"quantity": 2}]}
    )
    body = assert_problem(response, 422)
    assert body["errors"] == [
        {
            "field": "body.items[0].quantity",
            "message": "Input should be greater than 0",
            "type": "greater_than",
        },
        {"field": "body.items[1].sku", "message": "Field required", "type": "missing"},
    ]
    assert body["detail"] == "2 fields are invalid"
    assert body["instance"] == "/baskets"


async def test_malformed_json_is_a_body_error_not_a_character_offset(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/baskets", content=b'{"items": [', headers={"content-type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert body["errors"] == [
        {"field": "body", "message": body["errors"][0]["message"], "type": "json_invalid"}  # type: ignore[index]
    ]


async def test_query_and_path_errors_name_their_parameter(client: httpx.AsyncClient) -> None:
    response = await client.get("/baskets/abc", params={"limit": "many"})
    body = assert_problem(response, 422)
    fields = [error["field"] for error in body["errors"]]  # type: ignore[attr-defined]
    assert fields == ["path.basket_id", "query.limit"]


async def test_a_domain_not_found_is_a_404_with_its_own_type(client: httpx.AsyncClient) -> None:
    body = assert_problem(await client.get("/baskets/1"), 404)
    assert body["type"] == "urn:shopkeeper:problem:not-found"
    assert body["title"] == "Not found"
    assert body["detail"] == "no basket 1"
    assert body["basketId"] == 1


async def test_a_subclass_of_conflict_is_a_409_and_cannot_override_the_status(
    client: httpx.AsyncClient,
) -> None:
    body = assert_problem(await client.get("/baskets/2"), 409)
    assert body["type"] == "urn:shopkeeper:problem:out-of-stock"
    assert body["title"] == "Not enough stock"
    assert (body["sku"], body["available"]) == ("sku-1", 1)


async def test_a_registered_domain_error_gets_its_registered_status(
    client: httpx.AsyncClient,
) -> None:
    body = assert_problem(await client.get("/baskets/3"), 402)
    assert body["type"] == "urn:shopkeeper:problem:payment-declined"


async def test_an_http_exception_keeps_its_status_detail_and_headers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/baskets/4")
    body = assert_problem(response, 403)
    assert body["detail"] == "not your basket"
    assert body["type"] == "about:blank"
    assert response.headers["x-reason"] == "owner"


async def test_unknown_paths_and_methods_are_problems_too(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/nowhere"), 404)
    response = await client.delete("/baskets/7")
    assert_problem(response, 405)
    assert response.headers["allow"] == "GET"


async def test_an_unhandled_error_is_an_opaque_500_and_its_traceback_is_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="shop.http"):
        response = await client.get("/baskets/5")
    body = assert_problem(response, 500)
    assert body["detail"] == "An unexpected error occurred."
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    [record] = [r for r in caplog.records if r.name == "shop.http"]
    assert record.exc_info is not None
    assert "hunter2" in str(record.exc_info[1])
    assert record.getMessage() == "unhandled RuntimeError in GET /baskets/5"


async def test_a_sane_caller_request_id_is_kept_and_junk_is_replaced(
    client: httpx.AsyncClient,
) -> None:
    kept = await client.get("/baskets/1", headers={"X-Request-ID": "req-42"})
    assert kept.headers["x-request-id"] == "req-42"
    assert kept.json()["requestId"] == "req-42"
    replaced = await client.get("/baskets/1", headers={"X-Request-ID": "<script>"})
    assert replaced.headers["x-request-id"] != "<script>"
    assert len(replaced.headers["x-request-id"]) == 32
