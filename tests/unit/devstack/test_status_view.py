from typing import Any

from shop.devstack.status_view import render, summary


def status(ready: bool = True) -> dict[str, Any]:
    return {
        "phase": "running",
        "ready": ready,
        "outbox": "relay",
        "workdir": "/tmp/shop-up-1",
        "steps": ["topics: 17 created"],
        "processes": [
            {
                "name": "ordering-api",
                "state": "ready",
                "pid": 42,
                "restarts": 0,
                "url": "http://127.0.0.1:8001",
            },
            {
                "name": "payment-worker",
                "state": "backoff",
                "pid": None,
                "restarts": 3,
                "url": "http://127.0.0.1:8002",
            },
        ],
        "orders": {"placed": 10, "confirmed": 7, "cancelled": 2, "per_second": 4.25},
    }


def test_the_screen_lists_each_process_with_its_state_pid_restarts_and_url() -> None:
    screen = render(status(), colour=False)
    lines = screen.splitlines()
    api = next(line for line in lines if line.startswith("ordering-api"))
    assert api.split() == ["ordering-api", "ready", "42", "0", "http://127.0.0.1:8001"]
    worker = next(line for line in lines if line.startswith("payment-worker"))
    assert worker.split() == ["payment-worker", "backoff", "-", "3", "http://127.0.0.1:8002"]
    assert "4.2/s finished" in screen
    assert "confirmed 7" in screen
    assert "/tmp/shop-up-1/logs" in screen
    assert "\x1b[" not in screen


def test_colour_marks_states_and_readiness() -> None:
    assert "\x1b[32m" in render(status(), colour=True)
    assert "ALL READY" not in render(status(ready=False), colour=False)


def test_a_pipe_is_told_the_phase_and_each_process_state() -> None:
    assert summary(status()) == ("running", "ordering-api=ready", "payment-worker=backoff")


def test_the_status_names_the_storefront_when_it_is_served() -> None:
    status = {
        "phase": "running",
        "ready": True,
        "outbox": "relay",
        "processes": [],
        "orders": {"per_second": 0, "placed": 0, "confirmed": 0, "cancelled": 0},
        "steps": [],
        "workdir": "/tmp/x",
        "storefront": "http://127.0.0.1:8080",
    }
    assert "storefront: http://127.0.0.1:8080/" in render(status, colour=False)


def test_the_status_lists_the_metrics_and_trace_backends() -> None:
    backends = {"prometheus": "http://127.0.0.1:9090", "jaeger": "http://127.0.0.1:16686"}
    screen = render({**status(), "backends": backends}, colour=False)
    assert "prometheus: http://127.0.0.1:9090" in screen.splitlines()
    assert "jaeger: http://127.0.0.1:16686" in screen.splitlines()
