"""`shop run payment-api`: the payment of an order."""

from __future__ import annotations

import sys

from fastapi import FastAPI

from shop.common.app import create_app
from shop.common.auth.settings import AuthSettings
from shop.common.dead_letters_api import dead_letters_router
from shop.common.process import ProcessContext
from shop.common.public_paths import public_prefix
from shop.common.server import run_api
from shop.payment.bootstrap import bootstrap, mock_gateway
from shop.payment.entrypoints import routes
from shop.payment.settings import PaymentSettings


def create_payment_app(settings: PaymentSettings) -> FastAPI:
    async def wire(process: ProcessContext) -> None:
        process.state["payments"] = bootstrap(
            process.engine, mock_gateway(settings), settings.outbox_mode
        )

    return create_app(
        title="Shopkeeper payment",
        description="Payments of orders through a mock gateway, and their refunds.",
        settings=settings,
        routers=[routes.router, dead_letters_router("payment")],
        public_prefix=public_prefix("payment"),
        auth=AuthSettings.from_env(),
        lifespan_hooks=[wire],
    )


def main() -> int:
    return run_api(create_payment_app(PaymentSettings(service_name="payment-api")))


if __name__ == "__main__":
    sys.exit(main())
