"""While the database or the broker is down, every API answers 503 problem+json with
Retry-After (never a 500), readiness says which dependency is down, and everything recovers
without a restart once it is back."""

from __future__ import annotations

import signal
import threading
import time
from uuid import uuid4

import httpx
import pytest

from integration.outages.conftest import (
    BROKER_WAIT_SECONDS,
    READS,
    RETRY_AFTER_SECONDS,
    OutageStack,
)
from support.polling import wait_until

pytestmark = pytest.mark.integration
RECOVERY_SECONDS = 30


def assert_outage(response: httpx.Response, dependency: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    problem = response.json()
    assert problem["status"] == 503
    assert problem["type"] == "urn:shopkeeper:problem:dependency-unavailable"
    assert problem["dependency"] == dependency


def readiness(stack: OutageStack, context: str) -> httpx.Response:
    return stack.http.get(f"{stack.apis[context]}/readyz")


def read(stack: OutageStack, context: str) -> httpx.Response:
    return stack.http.get(f"{stack.apis[context]}{READS[context]}")


def dead_letters(stack: OutageStack, context: str) -> httpx.Response:
    """The one request that talks to the broker itself (every other write waits in the outbox)."""
    return stack.http.get(f"{stack.apis[context]}/dead-letters", timeout=BROKER_WAIT_SECONDS + 5)


def wait_recovered(stack: OutageStack) -> None:
    for context in stack.apis:
        wait_until(
            lambda context=context: read(stack, context).status_code in (200, 404),  # type: ignore[misc]
            within=RECOVERY_SECONDS,
            what=f"{context} answering again",
        )
        wait_until(
            lambda context=context: readiness(stack, context).status_code == 200,  # type: ignore[misc]
            within=RECOVERY_SECONDS,
            what=f"{context} ready again",
        )


def test_every_api_answers_503_while_the_database_is_down_and_recovers_without_a_restart(
    outage_stack: OutageStack,
) -> None:
    wait_recovered(outage_stack)
    outage_stack.postgres.stop_immediately()
    try:
        for context in outage_stack.apis:
            assert_outage(read(outage_stack, context), "database")
            ready = readiness(outage_stack, context)
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"]["status"] == "fail"
            assert ready.json()["checks"]["kafka"]["status"] == "ok"
    finally:
        outage_stack.postgres.start()
    wait_recovered(outage_stack)


def test_terminated_backends_give_503s_or_answers_but_never_a_500(
    outage_stack: OutageStack,
) -> None:
    wait_recovered(outage_stack)
    statuses: list[httpx.Response] = []
    stop = threading.Event()

    def load(context: str) -> None:
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                statuses.append(http.get(f"{outage_stack.apis[context]}{READS[context]}"))

    readers = [threading.Thread(target=load, args=(c,)) for c in outage_stack.apis]
    for reader in readers:
        reader.start()
    try:
        for _ in range(8):
            outage_stack.postgres.terminate_backends("shop_outages")
            time.sleep(0.25)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert len(statuses) > 50
    for response in statuses:
        if response.status_code >= 500:
            assert_outage(response, "database")
    wait_recovered(outage_stack)


def test_a_checkout_retried_with_its_key_through_a_database_outage_makes_one_order(
    outage_stack: OutageStack,
) -> None:
    product, key = uuid4(), uuid4().hex
    buyer = outage_stack.identity.customer(2)
    outage_stack.postgres.psql(
        "INSERT INTO basket.products (product_id, name, price, currency, active, version) "
        f"VALUES ('{product}', 'Outage mug', 9.50, 'EUR', true, 1)",
        database="shop_outages",
    )
    basket, http = outage_stack.apis["basket"], outage_stack.http
    added = http.post(
        f"{basket}/carts/me/lines",
        json={"product_id": str(product), "quantity": 2},
        headers=buyer.headers,
    )
    assert added.status_code == 200, added.text

    def checkout() -> httpx.Response:
        headers = {**buyer.headers, "Idempotency-Key": key}
        return http.post(f"{basket}/carts/me/checkout", headers=headers)

    outage_stack.postgres.stop_immediately()
    try:
        assert_outage(checkout(), "database")
    finally:
        outage_stack.postgres.start()

    def answered() -> httpx.Response:  # the first answer that is not an outage's
        return wait_until(
            checkout,
            within=RECOVERY_SECONDS,
            what="checkout answered",
            holds=lambda r: r.status_code != 503,
        )

    first = answered()
    assert first.status_code == 202, first.text
    outage_stack.postgres.terminate_backends("shop_outages")
    again = answered()
    assert again.status_code == 202, again.text
    assert again.json()["order_id"] == first.json()["order_id"]


def test_a_broker_outage_shows_on_readiness_while_the_apis_keep_serving(
    outage_stack: OutageStack,
) -> None:
    wait_recovered(outage_stack)
    outage_stack.kafka.kill()
    try:
        for context in outage_stack.apis:
            ready = wait_until(
                lambda context=context: readiness(outage_stack, context),  # type: ignore[misc]
                within=RECOVERY_SECONDS,
                what=f"{context} not ready",
                holds=lambda r: r.status_code == 503,
            )
            assert ready.json()["checks"]["kafka"]["status"] == "fail"
            assert read(outage_stack, context).status_code in (200, 404)
            assert_outage(dead_letters(outage_stack, context), "kafka")
    finally:
        outage_stack.kafka.start()
    wait_recovered(outage_stack)


def test_a_request_that_reads_the_broker_answers_503_while_it_is_paused(
    outage_stack: OutageStack,
) -> None:
    """A paused broker accepts connections and answers nothing: the request gives up in time."""
    wait_dead_letters_readable(outage_stack)
    outage_stack.kafka.signal(signal.SIGSTOP)
    try:
        for context in outage_stack.apis:
            started = time.monotonic()
            assert_outage(dead_letters(outage_stack, context), "kafka")
            assert time.monotonic() - started < BROKER_WAIT_SECONDS + 3
    finally:
        outage_stack.kafka.signal(signal.SIGCONT)
    wait_dead_letters_readable(outage_stack)


def wait_dead_letters_readable(stack: OutageStack) -> None:
    for context in stack.apis:
        wait_until(
            lambda context=context: dead_letters(stack, context).status_code == 200,  # type: ignore[misc]
            within=RECOVERY_SECONDS,
            what=f"{context}'s dead letters readable",
        )
