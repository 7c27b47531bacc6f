"""The database role of each context `shop up` runs (ADR 0053): a new password every run, set by
each context's migration, which prepares the role and schema as the administrator of
`SHOP_DATABASE_URL`. The processes get only their own context's URL."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import make_url

from shop.common.db_role_names import context_role_name, new_password
from shop.common.db_roles import ContextRole, context_database_url

ADMIN_URL_VAR = "SHOP_DATABASE_ADMIN_URL"


def context_urls(admin_url: str, contexts: Iterable[str]) -> dict[str, str]:
    """Each context's database URL: its own role (`<database>_<context>`), a new password."""
    database = make_url(admin_url).database or ""
    return {
        context: context_database_url(
            admin_url, ContextRole(context, context_role_name(database, context), new_password())
        )
        for context in contexts
    }


def migration_env(shared: dict[str, str], admin_url: str, own_url: str) -> dict[str, str]:
    """`shop migrate <context>`'s variables: the context's URL and the administrator's."""
    return {**shared, "SHOP_DATABASE_URL": own_url, ADMIN_URL_VAR: admin_url}
