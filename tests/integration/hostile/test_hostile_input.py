"""Hostile input to every API: each case is a clear 4xx problem, and nothing is stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from infra.fixtures_identity import IdentityProvider
from integration.shop_apps import migrated_shop_database, row_counts, shop_api_clients
from localinfra.kafka import KafkaBroker
from localinfra.postgres import PostgresServer
from shop.common.request_guard import RequestLimits

pytestmark = pytest.mark.integration
LIMITS = RequestLimits()
PRODUCT = "0196a5b4-0000-7000-8000-000000000001"


@dataclass(frozen=True)
class Case:
    context: str
    method: str
    path: str
    status: int
    problem: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})

    def __str__(self) -> str:
        return f"{self.problem}-{self.context}-{self.method}"


def raw_json(document: str) -> bytes:
    """JSON text as written (escapes such as \\ud800 kept, which json.dumps cannot make)."""
    return document.encode()


def nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


CATEGORY = {"slug": "hostile", "name": "Hostile"}
PRODUCT_BODY = {"name": "Mug", "category": "hostile", "price": "1.00", "currency": "EUR"}
CASES = [
    # oversized bodies, declared or not
    Case(
        "catalog",
        "POST",
        "/products",
        413,
        "body-too-large",
        json.dumps({**PRODUCT_BODY, "description": "x" * LIMITS.max_body_bytes}).encode(),
    ),
    Case(
        "notification",
        "PUT",
        "/templates/welcome",
        413,
        "body-too-large",
        b'{"subject": "' + b"s" * (2 * LIMITS.max_body_bytes) + b'"}',
    ),
    # deeply nested JSON, refused before it is parsed
    Case("basket", "POST", "/carts/alice/lines", 422, "json-too-deep", nested(10_000)),
    Case(
        "catalog",
        "POST",
        "/categories",
        422,
        "json-too-deep",
        raw_json('{"slug": "a", "name": ' + '{"n": ' * 100 + "1" + "}" * 100 + "}"),
    ),
    # wrong content types
    Case(
        "catalog",
        "POST",
        "/categories",
        415,
        "unsupported-media-type",
        json.dumps(CATEGORY).encode(),
        {"content-type": "text/plain"},
    ),
    Case(
        "basket",
        "POST",
        "/carts/alice/checkout",
        415,
        "unsupported-media-type",
        b"email=a%40b.example",
        {"content-type": "application/x-www-form-urlencoded", "idempotency-key": "k1"},
    ),
    Case(
        "notification",
        "PUT",
        "/templates/welcome",
        415,
        "unsupported-media-type",
        b"<template/>",
        {"content-type": "application/xml"},
    ),
    Case(
        "catalog",
        "POST",
        "/categories",
        415,
        "unsupported-media-type",
        json.dumps(CATEGORY).encode(),
        {},
    ),
    Case(
        "basket", "POST", "/carts/alice/lines", 422, "invalid-encoding", b'{"quantity": "\xff\xfe"}'
    ),
    # huge query strings
    Case(
        "catalog", "GET", "/products?q=" + "a" * (LIMITS.max_query_bytes + 1), 414, "query-too-long"
    ),
    Case("ordering", "GET", "/orders?customer_id=" + "b" * 60_000, 414, "query-too-long"),
    # path tricks in names
    Case(
        "notification",
        "PUT",
        "/templates/%2e%2e",
        422,
        "path-traversal",
        json.dumps({"event_type": "order.confirmed", "subject": "s", "body": "b"}).encode(),
    ),
    Case(
        "basket",
        "POST",
        "/carts/..%2F..%2Fetc/lines",
        422,
        "path-traversal",
        json.dumps({"product_id": PRODUCT, "quantity": 1}).encode(),
    ),
    Case(
        "basket",
        "POST",
        "/carts/..%5C..%5Cwindows/lines",
        422,
        "path-traversal",
        json.dumps({"product_id": PRODUCT, "quantity": 1}).encode(),
    ),
    Case("payment", "GET", f"/payments/..%2f{PRODUCT}", 422, "path-traversal"),
    # unicode edge cases: NUL, lone surrogates, right-to-left marks and overrides
    Case(
        "catalog",
        "POST",
        "/categories",
        422,
        "forbidden-character",
        raw_json('{"slug": "nul", "name": "Kitchen\\u0000"}'),
    ),
    Case(
        "catalog",
        "POST",
        "/products",
        422,
        "forbidden-character",
        raw_json(
            '{"name": "Mug \\ud800", "category": "hostile", "price": "1.00", "currency": "EUR"}'
        ),
    ),
    Case(
        "basket",
        "POST",
        "/carts/alice\u202egnp.exe/lines",
        422,
        "forbidden-character",
        json.dumps({"product_id": PRODUCT, "quantity": 1}).encode(),
    ),
    Case(
        "basket",
        "POST",
        "/carts/alice/checkout",
        422,
        "forbidden-character",
        raw_json('{"email": "alice\\u200f@example.com"}'),
        {"content-type": "application/json", "idempotency-key": "k2"},
    ),
    Case(
        "notification",
        "PUT",
        "/templates/welcome",
        422,
        "forbidden-character",
        raw_json('{"event_type": "order.confirmed", "subject": "Hi \\u202e", "body": "b"}'),
    ),
    Case("ordering", "GET", "/orders?customer_id=alice%00", 422, "forbidden-character"),
    Case("reports", "GET", "/reports/sales?since=%ED%A0%80", 422, "forbidden-character"),
    Case(
        "catalog",
        "POST",
        "/categories",
        422,
        "forbidden-character",
        raw_json('{"slug\\u0000": "x", "name": "key with NUL"}'),
    ),
]


@dataclass
class Shop:
    postgres: PostgresServer
    database: str
    apis: dict[str, tuple[FastAPI, httpx.AsyncClient]]


@pytest.fixture(scope="module")
async def shop(
    postgres: PostgresServer, kafka: KafkaBroker, identity: IdentityProvider
) -> AsyncIterator[Shop]:
    database = await migrated_shop_database(postgres, "hostile")
    async with shop_api_clients(database.urls, kafka.bootstrap_servers, identity.admin()) as apis:
        yield Shop(postgres, database.name, apis)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_hostile_input_is_a_clear_problem_and_nothing_is_stored(
    case: Case, shop: Shop
) -> None:
    before = row_counts(shop.postgres, shop.database)
    _, client = shop.apis[case.context]
    response = await client.request(case.method, case.path, content=case.body, headers=case.headers)
    assert response.status_code == case.status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == case.status
    assert problem["type"] == f"urn:shopkeeper:problem:{case.problem}"
    assert problem["detail"]
    if case.status == 422:
        assert problem["errors"][0]["type"] == case.problem
    assert row_counts(shop.postgres, shop.database) == before


async def test_well_formed_input_still_passes_the_guard(shop: Shop) -> None:
    _, catalog = shop.apis["catalog"]
    name = "Café \u05e9\u05dc\u05d5\u05dd, tab\tand newline\n welcome"  # RTL letters are text
    created = await catalog.post("/categories", json={"slug": "guarded", "name": name})
    assert created.status_code == 201, created.text
    assert created.json()["name"] == name
