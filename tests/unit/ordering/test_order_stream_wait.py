"""`Prefer: wait=N` on the order stream: how long to wait for an order not placed yet."""

import pytest

from shop.ordering.entrypoints.stream import MAX_PREFERRED_WAIT_SECONDS, preferred_wait


@pytest.mark.parametrize(
    ("prefer", "seconds"),
    [
        (None, 0.0),
        ("", 0.0),
        ("respond-async", 0.0),
        ("wait=5", 5.0),
        ("respond-async, wait=2.5", 2.5),
        ("handling=lenient; WAIT = 3", 3.0),
        ("wait=600", MAX_PREFERRED_WAIT_SECONDS),
        ("nowait=5", 0.0),
    ],
)
def test_the_preferred_wait_is_read_from_the_header_and_capped(
    prefer: str | None, seconds: float
) -> None:
    assert preferred_wait(prefer) == seconds
