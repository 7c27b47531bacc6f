"""One chaos run: a steady order load, the faults one after another, then the invariants."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest

from chaos.faults import ChaosStack, Fault, FaultOutcome, inject
from chaos.invariants import (
    Verdict,
    check_all,
    dead_letters_explained,
    no_server_errors,
    snapshot,
)
from chaos.load import ChaosShopper, LoadRecord, steady_load
from chaos.report import chaos_report

PRODUCTS = 5
STOCK_EACH = 150  # less than the run orders: some orders are cancelled as out of stock
PROBE_STOCK = 10_000
CUSTOMERS = 2
PAUSE_BETWEEN_ORDERS_SECONDS = 0.3
LOAD_BEFORE_FAULTS_SECONDS = 5.0
LOAD_BETWEEN_FAULTS_SECONDS = 1.0
SETTLE_SECONDS = 180.0


@dataclass(frozen=True)
class ChaosResult:
    report: str
    verdicts: list[Verdict]
    faults: list[FaultOutcome]
    orders: int


async def _product(stack: ChaosStack, stock: int) -> UUID:
    catalog = stack.apis["catalog"]
    category = await stack.http.post(
        f"{catalog}/categories", json={"slug": "chaos", "name": "Chaos"}
    )
    assert category.status_code in (201, 409), category.text
    body = {
        "name": f"Chaos {uuid4().hex[:6]}",
        "category": "chaos",
        "price": "7.25",
        "currency": "EUR",
        "initial_stock": stock,
    }
    created = await stack.http.post(f"{catalog}/products", json=body)
    assert created.status_code == 201, created.text
    return UUID(created.json()["id"])


async def _dead_letters(stack: ChaosStack) -> list[dict[str, Any]]:
    letters: list[dict[str, Any]] = []
    for url in stack.apis.values():
        response = await stack.http.get(f"{url}/dead-letters")
        assert response.status_code == 200, response.text
        letters += response.json()
    return letters


async def _settled_verdicts(
    stack: ChaosStack, accepted: set[UUID], initial: dict[UUID, int]
) -> list[Verdict]:
    """The invariants once they hold, or as they stand after `SETTLE_SECONDS`."""
    dsn = stack.postgres.dsn(stack.database)
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        verdicts = check_all(await asyncio.to_thread(snapshot, dsn), accepted, initial)
        if all(v.held for v in verdicts) or time.monotonic() > deadline:
            return verdicts
        await asyncio.sleep(1.0)


async def chaos_run(
    stack: ChaosStack, faults: Sequence[Fault], *, title: str, seed: int
) -> ChaosResult:
    rng = random.Random(seed)
    record = LoadRecord()
    shopper = ChaosShopper(stack.http, stack.apis, record, stack.buyers)
    products = [await _product(stack, STOCK_EACH) for _ in range(PRODUCTS)]
    probe = await _product(stack, PROBE_STOCK)
    initial = {**dict.fromkeys(products, STOCK_EACH), probe: PROBE_STOCK}
    started = time.monotonic()
    stop = asyncio.Event()
    load = asyncio.create_task(
        steady_load(
            shopper,
            products,
            stop,
            customers=CUSTOMERS,
            pause_seconds=PAUSE_BETWEEN_ORDERS_SECONDS,
            rng=rng,
        )
    )
    outcomes: list[FaultOutcome] = []
    try:
        await asyncio.sleep(LOAD_BEFORE_FAULTS_SECONDS)  # the load runs meanwhile
        for fault in faults:
            outcomes.append(await inject(fault, stack, shopper, probe, rng))
            await asyncio.sleep(LOAD_BETWEEN_FAULTS_SECONDS)
    finally:
        stop.set()
        await load
    seconds = time.monotonic() - started
    verdicts = await _settled_verdicts(stack, record.accepted, initial)
    verdicts += [
        dead_letters_explained(await _dead_letters(stack)),
        no_server_errors(record.server_errors, sum(record.answers.values())),
    ]
    report = chaos_report(title, record, seconds, outcomes, verdicts)
    return ChaosResult(report, verdicts, outcomes, len(record.accepted))


async def assert_nothing_lost(
    stack: ChaosStack,
    faults: Sequence[Fault],
    capsys: pytest.CaptureFixture[str],
    *,
    title: str,
    seed: int,
) -> None:
    """Run the faults under load, print the table, and fail on any broken invariant."""
    result = await chaos_run(stack, faults, title=title, seed=seed)
    with capsys.disabled():
        print(f"\n{result.report}\n")
    assert result.orders > 0
    assert all(verdict.held for verdict in result.verdicts), result.report
