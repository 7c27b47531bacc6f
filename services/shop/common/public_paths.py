"""Where each context's API is published on the shop's one host: under `/api/<context>` (the
front door's layout, next to the web app at `/`) and under `/<context>`.

The exposure (an Ingress or a Gateway API HTTPRoute) and the local gateway route those paths to
that context's API without rewriting them, so any controller serves them alike; each API serves
its routes under both prefixes as well as at `/` (ADR 0041). Links an API answers with
(`Location`) keep the prefix the request came in by.
"""

from __future__ import annotations

from starlette.requests import Request

API_PREFIX = "/api"
"""The front door's path of every API: `/api/<context>/...` (the web app owns the rest)."""


def public_prefix(context: str) -> str:
    """The path prefix of `context`'s API on the shop's host, e.g. `/catalog`."""
    return f"/{context}"


def served_prefixes(prefix: str) -> tuple[str, ...]:
    """Every prefix an API published at `prefix` serves: `/api/<context>` and `/<context>`."""
    return (f"{API_PREFIX}{prefix}", prefix)


def link(request: Request, path: str) -> str:
    """`path` of this API as the client addressed it: under the prefix it came in by, if any."""
    root: str = request.scope.get("root_path", "")
    return f"{root.rstrip('/')}{path}"


def sibling_link(request: Request, own_prefix: str, context: str, path: str) -> str | None:
    """`path` of `context`'s API the way this request reached this API (published at
    `own_prefix`): `/api/ordering/...` for a call by `/api/basket`, `/ordering/...` for one by
    `/basket`; None for a call that came by no public prefix (straight to the API)."""
    root: str = request.scope.get("root_path", "").rstrip("/")
    if not root.endswith(own_prefix):
        return None
    return f"{root.removesuffix(own_prefix)}{public_prefix(context)}{path}"
