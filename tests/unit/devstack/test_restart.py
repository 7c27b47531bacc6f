import pytest

from shop.devstack.restart import RestartPolicy


def test_delay_doubles_with_each_failure_up_to_the_cap() -> None:
    policy = RestartPolicy(initial_delay_seconds=0.5, max_delay_seconds=4)
    assert [policy.delay(n) for n in range(6)] == [0.0, 0.5, 1.0, 2.0, 4.0, 4.0]


def test_a_quick_crash_adds_to_the_failures_and_a_long_run_starts_over() -> None:
    policy = RestartPolicy(stable_after_seconds=30)
    assert policy.failures_after(3, uptime_seconds=2) == 4
    assert policy.failures_after(3, uptime_seconds=31) == 1


@pytest.mark.parametrize(
    "values",
    [
        {"initial_delay_seconds": 0},
        {"initial_delay_seconds": 5, "max_delay_seconds": 1},
        {"liveness_failures_to_restart": 0},
    ],
)
def test_nonsensical_policies_are_refused(values: dict[str, float]) -> None:
    with pytest.raises(ValueError, match=r"must be|need"):
        RestartPolicy(**values)  # type: ignore[arg-type]
