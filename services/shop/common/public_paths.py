"""Where each context's API is published on the shop's one host: under `/<context>`.

The exposure (an Ingress or a Gateway API HTTPRoute) routes `/<context>` to that context's API
without rewriting the path, so any controller serves it alike; each API serves its routes under
that prefix as well as at `/` (ADR 0041).
"""

from __future__ import annotations

from starlette.requests import Request


def public_prefix(context: str) -> str:
    """The path prefix of `context`'s API on the shop's host, e.g. `/catalog`."""
    return f"/{context}"


def link(request: Request, path: str) -> str:
    """`path` of this API as the client addressed it: under the prefix it came in by, if any."""
    root: str = request.scope.get("root_path", "")
    return f"{root.rstrip('/')}{path}"
