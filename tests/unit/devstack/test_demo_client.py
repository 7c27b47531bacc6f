from collections.abc import AsyncIterator

import pytest

from shop.devstack.demo_client import _sse_data, require_loopback
from shop.devstack.errors import DevstackError


async def lines(*items: str) -> AsyncIterator[str]:
    for item in items:
        yield item


async def test_sse_events_yield_their_json_data_and_skip_comments() -> None:
    stream = lines(
        "id: 1",
        "event: status",
        'data: {"status": "PENDING"}',
        "",
        ": keep-alive",
        "",
        "id: 2",
        "event: status",
        'data: {"status": "CONFIRMED"}',
        "",
    )
    assert [event async for event in _sse_data(stream)] == [
        {"status": "PENDING"},
        {"status": "CONFIRMED"},
    ]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://localhost:1", "http://[::1]:2"])
def test_loopback_addresses_are_driven(url: str) -> None:
    assert require_loopback(url) == url


@pytest.mark.parametrize("url", ["http://10.0.0.5:8000", "https://shop.example.com"])
def test_anything_else_is_refused(url: str) -> None:
    with pytest.raises(DevstackError, match="not a loopback address"):
        require_loopback(url)
