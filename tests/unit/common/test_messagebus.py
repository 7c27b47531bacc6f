"""The shared message bus: routing by the two tables, commit per `handle`, results returned."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pytest

from shop.common import messagebus
from support.fakes import FakeUnitOfWork


class RecordingUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.log: list[str] = []


@dataclass(frozen=True)
class Add:
    name: str


@dataclass(frozen=True)
class Added:
    name: str


Handler = messagebus.Handler[RecordingUnitOfWork, str]


async def add(cmd: Add, uow: RecordingUnitOfWork, deps: str) -> str:
    uow.log.append(f"add {cmd.name}")
    return f"{deps}:{cmd.name}"


async def audit(event: Added, uow: RecordingUnitOfWork, deps: str) -> None:
    uow.log.append(f"audit {event.name}")


async def count(event: Added, uow: RecordingUnitOfWork, deps: str) -> None:
    uow.log.append(f"count {event.name}")


async def refuse(event: Added, uow: RecordingUnitOfWork, deps: str) -> None:
    raise ValueError("refused")


def Bus(  # noqa: N802 - stands for a context's bus, built with its tables
    uow: Callable[[], RecordingUnitOfWork], deps: str, *, events: Sequence[Handler] = (audit, count)
) -> messagebus.MessageBus[RecordingUnitOfWork, str]:
    return messagebus.MessageBus(uow, deps, commands={Add: add}, events={Added: events})


@pytest.fixture
def uow() -> RecordingUnitOfWork:
    return RecordingUnitOfWork()


async def test_a_command_runs_its_handler_in_a_committed_unit_of_work(
    uow: RecordingUnitOfWork,
) -> None:
    assert await Bus(lambda: uow, "deps").handle(Add("mug")) == "deps:mug"
    assert uow.log == ["add mug"]
    assert uow.commits == 1


async def test_an_event_runs_every_handler_in_order_in_the_callers_unit_of_work(
    uow: RecordingUnitOfWork,
) -> None:
    assert await Bus(lambda: uow, "deps").handle_in(Added("mug"), uow) is None
    assert uow.log == ["audit mug", "count mug"]
    assert uow.commits == 0


async def test_a_failing_event_handler_propagates_and_nothing_is_committed(
    uow: RecordingUnitOfWork,
) -> None:
    failing = Bus(lambda: uow, "deps", events=(audit, refuse, count))
    with pytest.raises(ValueError, match="refused"):
        await failing.handle(Added("mug"))
    assert uow.log == ["audit mug"]
    assert uow.commits == 0


async def test_a_message_no_table_routes_is_a_key_error(uow: RecordingUnitOfWork) -> None:
    bare = messagebus.MessageBus[RecordingUnitOfWork, str](lambda: uow, "deps")
    with pytest.raises(KeyError):
        await bare.handle(Add("mug"))


async def test_handlers_of_a_type_are_resolved_once_and_apply_like_handle_in(
    uow: RecordingUnitOfWork,
) -> None:
    bus = Bus(lambda: uow, "deps")
    apply_added = bus.handlers_of(Added)
    await apply_added(Added("mug"), uow)
    assert await bus.handlers_of(Add)(Add("cup"), uow) == "deps:cup"
    assert uow.log == ["audit mug", "count mug", "add cup"]
    with pytest.raises(KeyError):
        bus.handlers_of(str)
