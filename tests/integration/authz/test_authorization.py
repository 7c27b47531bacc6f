"""Who may call what, for every route of every API's OpenAPI document (none picked by hand).

Each operation's `security` requirement says what it needs: none (public), `[]` a valid token,
`["customer"]` the customer's own resources, `["admin"]` an admin. For each one needing a token:
a missing, expired, wrongly signed or wrong-audience token is refused with 401 problem+json; for
the customer's routes, another customer is refused (403, or 404 where the resource's existence
stays hidden) while its owner is not; for the admin's, a customer gets 403 and an admin does not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from integration.authz.conftest import FACTORIES, Callers, Shop
from shop.common.problems import PROBLEM_MEDIA_TYPE

METHODS = ("get", "post", "put", "delete")
PUBLIC = {
    ("catalog", "get", "/categories"),
    ("catalog", "get", "/products"),
    ("catalog", "get", "/products/{product_id}"),
    ("catalog", "get", "/products/{product_id}/stock"),
    ("catalog", "get", "/products/{product_id}/bought-together"),
    ("catalog", "get", "/products/search/semantic"),
}
"""The only operations anyone may call: the storefront's catalog reads (recommendations too)."""
NOT_FOUND_OR_FORBIDDEN = (403, 404)


@dataclass(frozen=True)
class Operation:
    context: str
    method: str
    path: str
    scopes: tuple[str, ...] | None  # None: public
    parameters: tuple[dict[str, Any], ...]

    @property
    def id(self) -> str:
        return f"{self.context} {self.method.upper()} {self.path}"

    def url(self, values: dict[str, str]) -> str:
        """The path with every parameter filled: owned resources from `values`, else any."""
        filled = self.path
        for parameter in self.parameters:
            if parameter["in"] == "path":
                name = parameter["name"]
                filled = filled.replace(f"{{{name}}}", values.get(name) or _any(parameter))
        return filled

    def query(self, values: dict[str, str]) -> dict[str, str]:
        names = {p["name"] for p in self.parameters if p["in"] == "query"}
        return {name: values[name] for name in names & {"customer_id"} if name in values}


def _any(parameter: dict[str, Any]) -> str:
    schema = parameter.get("schema", {})
    if schema.get("format") == "uuid":
        return str(uuid4())
    if "pattern" in schema:
        return "order-confirmed"  # template names
    return "someone"


def _scopes(security: list[dict[str, list[str]]] | None) -> tuple[str, ...] | None:
    """The scopes of an operation's requirements; None when it has none (public)."""
    if not security:
        return None
    return tuple(
        scope for requirement in security for scopes in requirement.values() for scope in scopes
    )


def _operations() -> list[Operation]:
    """Every operation of every API, from the OpenAPI documents the apps generate."""
    found = []
    for context, (settings_class, factory) in FACTORIES.items():
        with pytest.MonkeyPatch.context() as env:
            env.setenv("SHOP_AUTH_ISSUER", "http://openapi.test/dex")
            env.setenv("SHOP_AUTH_AUDIENCE", "shopkeeper")
            app = factory(
                settings_class(
                    database_url="postgresql+asyncpg://u:p@127.0.0.1:9/x",
                    kafka_bootstrap_servers="127.0.0.1:9",
                )
            )
        for path, item in app.openapi()["paths"].items():
            for method in METHODS:
                if method not in item:
                    continue
                operation = item[method]
                security = operation.get("security")
                scopes = (
                    tuple(s for r in security for s in next(iter(r.values()))) if security else None
                )
                parameters = tuple(operation.get("parameters", []))
                found.append(Operation(context, method, path, scopes, parameters))
    return found


OPERATIONS = _operations()
SECURED = [o for o in OPERATIONS if o.scopes is not None]
OWNED = [o for o in SECURED if "customer" in (o.scopes or ())]
ADMIN = [o for o in SECURED if "admin" in (o.scopes or ())]


async def call(
    shop: Shop, operation: Operation, token: str | None, values: dict[str, str] | None = None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    values = values or {}
    return await shop.clients[operation.context].request(
        operation.method.upper(),
        operation.url(values),
        params=operation.query(values),
        headers=headers,
    )


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


def test_every_route_but_the_catalog_reads_needs_a_token() -> None:
    public = {(o.context, o.method, o.path) for o in OPERATIONS if o.scopes is None}
    assert public == PUBLIC
    assert {o.context for o in SECURED} == set(FACTORIES)
    assert len(SECURED) >= 20  # sanity: the documents were read


@pytest.mark.parametrize("operation", SECURED, ids=lambda o: o.id)
async def test_a_missing_token_is_refused(shop: Shop, operation: Operation) -> None:
    assert_unauthorized(await call(shop, operation, None))


@pytest.mark.parametrize("operation", SECURED, ids=lambda o: o.id)
async def test_a_wrongly_signed_token_is_refused(
    shop: Shop, operation: Operation, callers: Callers
) -> None:
    genuine = await callers.token("admin")
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    kid = jwt.get_unverified_header(genuine)["kid"]
    forged = jwt.encode(claims, forged_key, algorithm="RS256", headers={"kid": kid})
    response = await call(shop, operation, forged)
    assert_unauthorized(response)
    assert "signature" in response.json()["detail"]


@pytest.mark.parametrize("operation", SECURED, ids=lambda o: o.id)
async def test_a_token_for_another_audience_is_refused(
    shop: Shop, operation: Operation, callers: Callers
) -> None:
    response = await call(shop, operation, await callers.token("no-audience"))
    assert_unauthorized(response)
    assert "audience" in response.json()["detail"]


def owned_values(shop: Shop) -> dict[str, str]:
    return {"customer_id": shop.alice, "order_id": str(shop.alice_order)}


@pytest.mark.parametrize("operation", OWNED, ids=lambda o: o.id)
async def test_a_customer_cannot_reach_another_customers_resources(
    shop: Shop, operation: Operation, callers: Callers
) -> None:
    values = owned_values(shop)
    as_bob = await call(shop, operation, await callers.token("bob"), values)
    as_alice = await call(shop, operation, await callers.token("alice"), values)

    assert as_bob.status_code in NOT_FOUND_OR_FORBIDDEN, as_bob.text
    assert as_bob.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert as_alice.status_code not in (401, 403), as_alice.text
    if as_bob.status_code == 404:  # hidden, not absent: its owner reaches it
        assert as_alice.status_code != 404, as_alice.text


@pytest.mark.parametrize("operation", ADMIN, ids=lambda o: o.id)
async def test_a_customer_is_refused_what_only_admins_may_do(
    shop: Shop, operation: Operation, callers: Callers
) -> None:
    as_customer = await call(shop, operation, await callers.token("alice"))
    as_admin = await call(shop, operation, await callers.token("admin"))

    assert as_customer.status_code == 403, as_customer.text
    assert as_customer.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert as_admin.status_code not in (401, 403), as_admin.text


async def test_a_customer_id_in_the_path_cannot_override_the_tokens_subject(
    shop: Shop, callers: Callers
) -> None:
    basket = shop.clients["basket"]
    bob = {"Authorization": f"Bearer {await callers.token('bob')}"}
    line = {"product_id": str(uuid4()), "quantity": 1}

    response = await basket.post(f"/carts/{shop.alice}/lines", json=line, headers=bob)

    assert response.status_code == 403
    assert json.loads(response.text)["detail"].startswith("a customer may only")


# Last: the token fetched at the start has expired by now.
@pytest.mark.parametrize("operation", SECURED, ids=lambda o: o.id)
async def test_an_expired_token_is_refused(
    shop: Shop, operation: Operation, expired_token: str
) -> None:
    response = await call(shop, operation, expired_token)
    assert_unauthorized(response)
    assert "expired" in response.json()["detail"]
