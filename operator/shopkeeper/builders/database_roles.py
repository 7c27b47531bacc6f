"""Each context's database role (ADR 0053): its name and the Secret holding its credentials.

The operator writes each Secret once, with a random password, and never again (it cannot read
it back into a manifest without handling the password): `create` only, no apply. CloudNativePG
sets the role's password from it (`spec.managed.roles[].passwordSecret`); with an external
database the migrations Job does (`shop migrate --roles manage`). The processes of a context log
in with its Secret alone.
"""

from __future__ import annotations

from collections.abc import Callable

from shop.common.db_role_names import context_role_name, new_password
from shopkeeper import kinds, naming
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata
from shopkeeper.topics import CONTEXTS

CNPG_RELOAD_LABEL = "cnpg.io/reload"
"""CloudNativePG watches a Secret so labelled and applies a changed password."""


def context_role(inp: BuildInput, context: str) -> str:
    """`<database>_<context>`."""
    return context_role_name(inp.spec.database.name, context)


def build_role_secret(inp: BuildInput, context: str, password: str) -> Manifest:
    """`<platform>-db-<context>`, `kubernetes.io/basic-auth` (as CloudNativePG requires)."""
    return {
        "apiVersion": kinds.SECRET.api_version,
        "kind": kinds.SECRET.kind,
        "metadata": metadata(
            inp,
            kinds.SECRET,
            naming.db_role_secret(inp.name, context),
            component="database",
            labels={CNPG_RELOAD_LABEL: "true"},
        ),
        "type": "kubernetes.io/basic-auth",
        "stringData": {"username": context_role(inp, context), "password": password},
    }


def build_role_secrets(
    inp: BuildInput, password: Callable[[], str] = new_password
) -> list[Manifest]:
    """One Secret per context, each with a new password (only created when absent)."""
    return [build_role_secret(inp, context, password()) for context in CONTEXTS]
