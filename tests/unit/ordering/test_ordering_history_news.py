"""The order stream's use of the history feed's news: what they continue, and when to read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from shop.ordering.adapters.history_feed import HistoryNews, Watch, news_of
from shop.ordering.adapters.queries import SagaProgress
from shop.ordering.entrypoints.stream import continued

ORDER = str(uuid4())


def entry(sequence: int) -> dict[str, Any]:
    return {"sequence": sequence, "kind": "k", "status": "PENDING"}


def news(*sequences: int, status: str = "PENDING") -> HistoryNews:
    return HistoryNews(SagaProgress(status, []), [entry(s) for s in sequences])


def test_news_continuing_the_last_entry_are_sent_with_the_latest_progress() -> None:
    found = continued([news(2), news(3, 4, status="CONFIRMED")], after=1)

    assert found is not None
    progress, entries = found
    assert [e["sequence"] for e in entries] == [2, 3, 4]
    assert progress == SagaProgress("CONFIRMED", [])


def test_entries_already_sent_are_skipped_and_a_gap_means_reading() -> None:
    assert continued([news(1, 2)], after=2) == (SagaProgress("PENDING", []), [])
    assert continued([news(4)], after=2) is None
    assert continued([], after=2) is None


def test_a_change_announced_without_its_entries_makes_the_watch_ask_for_a_read() -> None:
    watch = Watch()
    watch.deliver(news(1))
    watch.deliver(None)
    assert watch.changed.is_set()

    assert watch.take() is None
    assert not watch.changed.is_set()
    assert watch.take() == []


def test_a_notification_is_decoded_into_entries_like_the_streams_reads() -> None:
    cause = uuid4()
    found = news_of(
        {
            "order_id": ORDER,
            "status": "STOCK_RESERVED",
            "awaiting": [],
            "customer_id": "alice",
            "entries": [
                {
                    "sequence": 2,
                    "kind": "stock-reserved",
                    "status": "STOCK_RESERVED",
                    "detail": None,
                    "cause_event_id": str(cause),
                    "at": "2026-05-01T12:00:00.25+02:00",
                }
            ],
        }
    )

    assert found.progress == SagaProgress("STOCK_RESERVED", [], "alice")
    ((stored,),) = [found.entries]
    assert stored["cause_event_id"] == cause
    assert stored["at"] == datetime(2026, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
    assert str(stored["order_id"]) == ORDER
