from pathlib import Path
from typing import Any

import httpx

from shop.devstack.control import create_control_app
from shop.devstack.plan import Kind, ProcessSpec
from shop.devstack.supervisor import Supervisor


def supervisor(tmp_path: Path) -> Supervisor:
    spec = ProcessSpec("payment", Kind.WORKER, 1)
    return Supervisor([spec], {spec.name: {}}, tmp_path)


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://control")


async def test_status_is_refreshed_before_it_is_served(tmp_path: Path) -> None:
    report = {"orders": 0}

    async def refresh() -> None:
        report["orders"] += 1

    app = create_control_app(supervisor(tmp_path), lambda: dict(report), refresh=refresh)
    async with client(app) as http:
        assert (await http.get("/status")).json() == {"orders": 1}
        assert (await http.get("/status")).json() == {"orders": 2}


async def test_status_is_the_stacks_own_report(tmp_path: Path) -> None:
    app = create_control_app(supervisor(tmp_path), lambda: {"phase": "running", "ready": True})
    async with client(app) as http:
        assert (await http.get("/status")).json() == {"phase": "running", "ready": True}


async def test_an_unknown_process_is_a_404_naming_the_known_ones(tmp_path: Path) -> None:
    async with client(create_control_app(supervisor(tmp_path), dict)) as http:
        response = await http.post("/processes/shipping-worker/stop")
    assert response.status_code == 404
    assert "payment-worker" in response.json()["detail"]


async def test_stopping_a_process_reports_it_stopped(tmp_path: Path) -> None:
    async with client(create_control_app(supervisor(tmp_path), dict)) as http:
        response = await http.post("/processes/payment-worker/stop")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["pid"]) == ("stopped", None)


async def test_variables_must_be_environment_names(tmp_path: Path) -> None:
    async with client(create_control_app(supervisor(tmp_path), dict)) as http:
        response = await http.post(
            "/processes/payment-worker/restart", json={"env": {"rate; rm -rf": "1"}}
        )
    assert response.status_code == 422
