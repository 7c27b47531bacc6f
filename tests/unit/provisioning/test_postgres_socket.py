"""Which socket directory the local stack hands `shop up` (ADR 0058)."""

from __future__ import annotations

from pathlib import Path

import pytest

from localinfra.postgres import DATABASE_OVER, PostgresServer

pytestmark = pytest.mark.unit


def test_the_shop_connects_over_the_socket_by_default_and_over_tcp_on_request() -> None:
    server = PostgresServer(Path("/tmp/shopkeeper-stack-x/postgres"))
    assert DATABASE_OVER[0] == "socket"
    assert server.shop_socket_dir("socket") == Path("/tmp/shopkeeper-stack-x/postgres")
    assert server.shop_socket_dir("tcp") is None
    with pytest.raises(ValueError, match="socket, tcp"):
        server.shop_socket_dir("udp")


def test_a_socket_path_too_long_for_the_kernel_falls_back_to_tcp() -> None:
    assert PostgresServer(Path("/tmp") / ("d" * 100)).shop_socket_dir("socket") is None
