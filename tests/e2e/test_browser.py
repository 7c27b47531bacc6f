"""The storefront and admin in a real browser: web/browser-tests (playwright-core driving
Debian's Chromium headless) against the e2e shop through its front door, logging in at Dex.
A failing browser test keeps its screenshots in web/test-results/<test>/."""

from __future__ import annotations

import asyncio
from typing import Any

from e2e.local_shop import LocalShop
from localinfra.process import run_checked
from localinfra.webapp import WEB_DIR, check_node, chromium_binary, npm_env, provision
from shop.devstack.demo_client import Line

BROWSER_TESTS_SECONDS = 420
ARTIFACTS = WEB_DIR / "test-results"


def _demo_login(identity: dict[str, Any], role: str) -> tuple[str, str]:
    user = next(u for u in identity["users"] if u["role"] == role)
    return user["email"], user["password"]


def browser_env(storefront: str, identity: dict[str, Any], product: str) -> dict[str, str]:
    """What web/browser-tests/shop.ts reads: the shop's origin, Chromium, the demo users."""
    (customer_login, customer_password), (admin, admin_password) = (
        _demo_login(identity, "customer"),
        _demo_login(identity, "admin"),
    )
    return {
        **npm_env(),
        "SHOP_WEB_URL": storefront,
        "SHOP_WEB_CHROMIUM": str(chromium_binary()),
        "SHOP_WEB_ARTIFACTS": str(ARTIFACTS),
        "SHOP_WEB_PRODUCT": product,
        "SHOP_WEB_CUSTOMER": customer_login,
        "SHOP_WEB_CUSTOMER_PASSWORD": customer_password,
        "SHOP_WEB_ADMIN": admin,
        "SHOP_WEB_ADMIN_PASSWORD": admin_password,
    }


async def product_on_sale(shop: LocalShop) -> str:
    """A new product's name, once the basket knows it (added to a cart, and taken out again)."""
    product_id = await shop.create_product(stock=50, price="15.00")
    async with shop.buyers.borrow() as buyer:
        await shop.client.add_line(buyer.auth, Line(product_id, 1))
        line = f"{shop.apis['basket']}/carts/me/lines/{product_id}"
        (await shop.http.delete(line, auth=buyer.auth)).raise_for_status()
    name: str = (await shop.get("catalog", f"/products/{product_id}"))["name"]
    return name


async def test_a_customer_checks_out_and_logs_out_and_an_admin_changes_a_price_in_chromium(
    shop: LocalShop, shop_up: dict[str, Any]
) -> None:
    status = (await shop.http.get(f"{shop.control_url}/status")).json()
    storefront = status["storefront"]
    assert storefront, "the e2e shop serves no storefront (shop up --web-dist)"
    config = (await shop.http.get(f"{storefront}/config.json")).json()
    assert config["oidc"], "the storefront names no OIDC provider: its users would not log in"
    env = browser_env(storefront, shop_up["identity"], await product_on_sale(shop))
    await asyncio.to_thread(provision)
    await asyncio.to_thread(
        run_checked,
        [check_node(), "run", "--silent", "browser-tests"],
        what=f"the browser tests (failing ones' screenshots: {ARTIFACTS})",
        env=env,
        cwd=WEB_DIR,
        timeout=BROWSER_TESTS_SECONDS,
    )
