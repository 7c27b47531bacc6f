"""The circuit breaker's state machine and the retry policy's backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shop.notification.domain.circuit_breaker import BreakerState, CircuitBreaker
from shop.notification.domain.retry import RetryPolicy

T0 = datetime(2026, 5, 1, tzinfo=UTC)
RESET = timedelta(seconds=30)


def breaker_open_at(moment: datetime) -> CircuitBreaker:
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=RESET)
    return breaker.on_failure(moment).on_failure(moment)


def test_the_breaker_opens_after_the_threshold_of_consecutive_failures() -> None:
    breaker = CircuitBreaker(failure_threshold=3, reset_timeout=RESET)

    once = breaker.on_failure(T0)
    thrice = once.on_failure(T0).on_failure(T0)

    assert once.state is BreakerState.CLOSED
    assert thrice.state is BreakerState.OPEN
    assert thrice.before_call(T0)[0] is False


def test_a_success_resets_the_failure_count() -> None:
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=RESET)

    breaker = breaker.on_failure(T0).on_success().on_failure(T0)

    assert (breaker.state, breaker.failures) == (BreakerState.CLOSED, 1)


def test_an_open_breaker_refuses_calls_until_the_reset_timeout_then_allows_one_trial() -> None:
    breaker = breaker_open_at(T0)

    early, _ = breaker.before_call(T0 + RESET - timedelta(seconds=1))
    trial, half_open = breaker.before_call(T0 + RESET)
    second, _ = half_open.before_call(T0 + RESET)

    assert early is False
    assert trial is True
    assert half_open.state is BreakerState.HALF_OPEN
    assert second is False


def test_a_successful_trial_closes_the_breaker() -> None:
    _, half_open = breaker_open_at(T0).before_call(T0 + RESET)

    closed = half_open.on_success()

    assert closed.state is BreakerState.CLOSED
    assert closed.before_call(T0 + RESET)[0] is True


def test_a_failed_trial_opens_the_breaker_for_another_timeout() -> None:
    later = T0 + RESET
    _, half_open = breaker_open_at(T0).before_call(later)

    reopened = half_open.on_failure(later)

    assert reopened.state is BreakerState.OPEN
    assert reopened.opened_at == later
    assert reopened.before_call(later + RESET - timedelta(seconds=1))[0] is False


def test_breaker_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="threshold"):
        CircuitBreaker(failure_threshold=0, reset_timeout=RESET)
    with pytest.raises(ValueError, match="reset_timeout"):
        CircuitBreaker(failure_threshold=1, reset_timeout=timedelta(0))


def test_retry_delays_grow_exponentially_up_to_the_cap() -> None:
    policy = RetryPolicy(
        attempts=5, initial_delay=timedelta(seconds=1), max_delay=timedelta(seconds=5)
    )

    delays = [policy.delay_after(n).total_seconds() for n in range(1, 5)]

    assert delays == [1, 2, 4, 5]


@pytest.mark.parametrize(
    ("attempts", "initial", "maximum", "multiplier", "message"),
    [
        (0, 1, 5, 2.0, "attempts"),
        (3, -1, 5, 2.0, "delays"),
        (3, 6, 5, 2.0, "delays"),
        (3, 1, 5, 0.5, "multiplier"),
    ],
)
def test_retry_policies_are_checked(
    attempts: int, initial: int, maximum: int, multiplier: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        RetryPolicy(
            attempts=attempts,
            initial_delay=timedelta(seconds=initial),
            max_delay=timedelta(seconds=maximum),
            multiplier=multiplier,
        )
