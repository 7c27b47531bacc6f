"""How a context's database role is named and how its password is made (ADR 0053), without the
database clients `shop.common.db_roles` needs: the operator imports only this."""

from __future__ import annotations

import secrets

from shop.common.outbox import require_schema_name


def context_role_name(database: str, context: str) -> str:
    """`<database>_<context>`: roles are global to a server, databases may share one."""
    return require_schema_name(f"{database}_{context}"[:63])


def new_password() -> str:
    """A random password, safe inside a URL without encoding."""
    return secrets.token_urlsafe(24)
