"""Planned ports: below the ephemeral and NodePort ranges, never twice, never one already bound."""

from __future__ import annotations

import random
import socket
from pathlib import Path

import pytest

from shop.devstack import ports


def test_ports_lie_below_the_ephemeral_and_node_port_ranges_and_never_repeat() -> None:
    start = ports.ephemeral_start()
    handed = [ports.free_port() for _ in range(300)]
    assert len(set(handed)) == len(handed)
    assert all(10_000 <= port < min(start, ports.NODE_PORTS.start) for port in handed)


def test_a_port_a_server_holds_is_not_bindable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", ports.free_port()))
        server.listen()
        held = server.getsockname()[1]
        assert not ports.bindable(held)
    assert ports.bindable(held)


def test_a_held_port_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        held = server.getsockname()[1]
        spare = next(p for p in range(held + 1, held + 100) if ports.bindable(p))
        offered = iter([held, held, spare])
        monkeypatch.setattr(random, "randrange", lambda low, high: next(offered))
        assert ports.free_port() == spare


@pytest.mark.parametrize(
    ("content", "start"), [("32768\t60999\n", 32768), ("40000 50000", 40000), ("", 32768)]
)
def test_the_ephemeral_start_is_read_from_the_kernel(
    tmp_path: Path, content: str, start: int
) -> None:
    range_file = tmp_path / "ip_local_port_range"
    range_file.write_text(content)
    assert ports.ephemeral_start(range_file) == start


def test_an_unreadable_range_means_linux_default(tmp_path: Path) -> None:
    assert ports.ephemeral_start(tmp_path / "absent") == 32768
