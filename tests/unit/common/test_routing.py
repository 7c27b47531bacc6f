import uuid
from datetime import UTC, datetime

import pytest

from shop.common.consumer import ConsumerOptions, PoisonMessageError, Route
from shop.common.consumer.routing import route_for
from shop.common.events import Envelope
from shop.common.uow import UnitOfWork


def _envelope(event_type: str, version: int = 1) -> Envelope:
    return Envelope(
        uuid.uuid4(), event_type, version, "tests", "order", "o-1", datetime.now(UTC), {}
    )


async def _handler(envelope: Envelope, uow: UnitOfWork) -> None:
    return None


def test_a_bare_handler_serves_version_one_only() -> None:
    handlers = {"order.placed": _handler}
    route = route_for(handlers, _envelope("order.placed"))
    assert route is not None
    assert route.handler is _handler
    with pytest.raises(PoisonMessageError, match="version 2 is not handled"):
        route_for(handlers, _envelope("order.placed", version=2))


def test_a_route_declares_the_versions_it_understands() -> None:
    handlers = {"order.placed": Route(_handler, frozenset({1, 2}))}
    assert route_for(handlers, _envelope("order.placed", version=2)) is not None


def test_event_types_without_a_handler_are_ignored_not_poison() -> None:
    assert route_for({"order.placed": _handler}, _envelope("order.cancelled")) is None


def test_backoff_doubles_up_to_its_cap() -> None:
    options = ConsumerOptions(backoff_initial_seconds=0.5, backoff_max_seconds=3)
    assert [options.backoff(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    "bad", [{"max_attempts": 0}, {"backoff_initial_seconds": -1}, {"max_records": 0}]
)
def test_nonsense_consumer_options_are_refused(bad: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        ConsumerOptions(**bad)  # type: ignore[arg-type]
