"""FastAPI dependencies that declare and enforce who may call a route.

    @router.get("/x")                                   # public: no dependency
    async def x(caller: CallerDep): ...                 # any valid token
    async def y(caller: AdminDep): ...                  # the admin group only
    async def z(customer_id: OwnCustomerPath): ...      # the customer in the path, by token

The requirement lands in the route's OpenAPI `security` (`bearer: []`, `["customer"]` or
`["admin"]`), which the authorization tests read. A customer's id is the token's subject: a path
or query parameter naming another customer is refused (403), staff may read it. Refusals are
problem+json: 401 with `WWW-Authenticate: Bearer`, 403.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, SecurityScopes

from shop.common.auth.jwks import JwksUnavailableError
from shop.common.auth.principal import Principal
from shop.common.auth.verify import InvalidTokenError, TokenVerifier
from shop.common.auth.wiring import VERIFIER

SCHEME = "bearer"
ADMIN, CUSTOMER = "admin", "customer"
ME = "me"
"""A path segment that stands for the caller's own customer id (`/carts/me`)."""
READ_METHODS = frozenset({"GET", "HEAD"})

bearer = HTTPBearer(
    scheme_name=SCHEME,
    bearerFormat="JWT",
    description="An OIDC access token of the shop's issuer for the shop's audience.",
    auto_error=False,
)


def unauthorized(detail: str, *, invalid: bool = False) -> HTTPException:
    challenge = 'Bearer realm="shopkeeper"'
    if invalid:
        challenge += f', error="invalid_token", error_description="{detail}"'
    return HTTPException(401, detail, headers={"WWW-Authenticate": challenge})


def forbidden(detail: str) -> HTTPException:
    return HTTPException(403, detail)


def get_verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.process.state[VERIFIER]
    return verifier


async def authenticated(
    scopes: SecurityScopes,
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Principal:
    """The caller of a valid token; with the `admin` scope only an admin."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise unauthorized("a bearer token is required")
    try:
        principal = await get_verifier(request).verify(credentials.credentials)
    except InvalidTokenError as err:
        raise unauthorized(str(err), invalid=True) from None
    except JwksUnavailableError:
        raise HTTPException(503, "the identity provider's keys are unavailable") from None
    if ADMIN in scopes.scopes and not principal.is_admin:
        raise forbidden("this needs an admin")
    request.state.principal = principal
    return principal


CallerDep = Annotated[Principal, Security(authenticated)]
AdminDep = Annotated[Principal, Security(authenticated, scopes=[ADMIN])]
CustomerDep = Annotated[Principal, Security(authenticated, scopes=[CUSTOMER])]
ADMIN_ONLY = Security(authenticated, scopes=[ADMIN])
"""For `dependencies=[ADMIN_ONLY]` on a router or route that needs no principal."""


def owned_customer(principal: Principal, customer_id: str | None, *, read: bool) -> str:
    """The customer id a request may act on: the caller's own unless staff reads another's."""
    if customer_id in (None, ME, principal.subject):
        return principal.subject
    if read and principal.is_staff:
        return customer_id
    raise forbidden("a customer may only see and change their own resources")


def ensure_owner(principal: Principal, owner: str) -> bool:
    """Whether the caller may read a resource of `owner` (its owner, or staff)."""
    return principal.subject == owner or principal.is_staff


async def _own_customer_path(
    request: Request,
    principal: CustomerDep,
    customer_id: Annotated[
        str, Path(min_length=1, max_length=128, description="the token's subject, or `me`")
    ],
) -> str:
    return owned_customer(principal, customer_id, read=request.method in READ_METHODS)


OwnCustomerPath = Annotated[str, Depends(_own_customer_path)]
