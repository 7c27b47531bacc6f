"""Links an API answers with keep the prefix the request came in by (ADR 0041)."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from shop.common.public_paths import link, served_prefixes, sibling_link


def _request(root_path: str) -> Request:
    return Request({"type": "http", "method": "POST", "path": "/", "root_path": root_path})


def test_an_api_serves_under_the_front_doors_api_prefix_and_its_own() -> None:
    assert served_prefixes("/catalog") == ("/api/catalog", "/catalog")


@pytest.mark.parametrize(
    ("root_path", "expected"),
    [
        ("/api/catalog", "/api/catalog/products/1"),
        ("/catalog", "/catalog/products/1"),
        ("", "/products/1"),
    ],
)
def test_a_link_keeps_the_prefix_the_request_came_by(root_path: str, expected: str) -> None:
    assert link(_request(root_path), "/products/1") == expected


@pytest.mark.parametrize(
    ("root_path", "expected"),
    [
        ("/api/basket", "/api/ordering/orders/7"),
        ("/basket", "/ordering/orders/7"),
        ("", None),
    ],
)
def test_a_link_to_another_api_goes_through_the_same_door(
    root_path: str, expected: str | None
) -> None:
    assert sibling_link(_request(root_path), "/basket", "ordering", "/orders/7") == expected
