"""The local shop's processes reach PostgreSQL over its Unix socket, not TCP (ADR 0058)."""

from __future__ import annotations

from e2e.local_shop import LocalShop
from localinfra.postgres import PostgresServer
from shop.topology import CONTEXTS

DATABASE = "shop_e2e"  # the `shop_up` fixture's


async def test_every_context_connects_over_the_servers_unix_socket(
    shop: LocalShop, postgres: PostgresServer
) -> None:
    product = await shop.create_product(stock=1)
    order = await shop.final_order(await shop.order_of(product, quantity=1))
    assert order["status"] == "CONFIRMED"  # every context has run statements by now

    sessions = postgres.psql(
        "SELECT usename, client_addr IS NULL FROM pg_stat_activity "
        f"WHERE datname = '{DATABASE}' AND backend_type = 'client backend'"
    ).splitlines()
    roles = {line.split("|")[0] for line in sessions}
    assert roles >= {f"{DATABASE}_{context}" for context in CONTEXTS}
    over_tcp = [line for line in sessions if not line.endswith("|t")]
    assert not over_tcp, f"sessions over TCP: {over_tcp}"
