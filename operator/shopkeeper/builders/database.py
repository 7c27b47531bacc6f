"""CloudNativePG Cluster and Database, and how processes reach the database either way."""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper import kinds, naming
from shopkeeper.builders.database_roles import context_role
from shopkeeper.builders.inputs import BuildInput, Manifest
from shopkeeper.builders.meta import metadata
from shopkeeper.topics import CONTEXTS

POSTGRES_PORT = 5432


@dataclass(frozen=True)
class DatabaseConnection:
    """Where the database is, and the Secret of its administrator (keys `username`, `password`):
    the migrations and Debezium log in with it, the contexts' processes with their own roles."""

    host: str
    port: int
    name: str
    secret: str


def database_connection(inp: BuildInput) -> DatabaseConnection:
    """The connection of the platform's processes and connectors."""
    db = inp.spec.database
    if db.mode == "external":
        if db.external is None:
            raise ValueError("database.mode external needs database.external")
        ext = db.external
        return DatabaseConnection(ext.host, ext.port, db.name, ext.credentials_secret)
    cluster = naming.pg_cluster(inp.name)
    return DatabaseConnection(f"{cluster}-rw", POSTGRES_PORT, db.name, f"{cluster}-app")


def managed_roles(inp: BuildInput) -> list[dict[str, object]]:
    """Each context's login role, its password from its Secret (ADR 0053), and the owner of the
    database as a member of them all: the migrations hand it objects over, and Debezium, which
    logs in as the owner, reads the outboxes (it streams them through a logical replication
    slot, hence REPLICATION in the Debezium modes)."""
    db = inp.spec.database
    contexts = [
        {
            "name": context_role(inp, context),
            "ensure": "present",
            "login": True,
            "passwordSecret": {"name": naming.db_role_secret(inp.name, context)},
        }
        for context in CONTEXTS
    ]
    owner: dict[str, object] = {
        "name": db.owner,
        "ensure": "present",
        "login": True,
        "inRoles": [role["name"] for role in contexts],
    }
    if inp.spec.outbox.mode in ("debezium", "connect-rest"):
        owner["replication"] = True
    return [*contexts, owner]


def build_database(inp: BuildInput) -> list[Manifest]:
    """A CNPG Cluster and Database in mode `cnpg`; nothing for an external database."""
    db = inp.spec.database
    if db.mode != "cnpg":
        return []
    cluster_name = naming.pg_cluster(inp.name)
    cnpg = db.cnpg
    storage: dict[str, object] = {"size": cnpg.storage_size}
    if cnpg.storage_class:
        storage["storageClass"] = cnpg.storage_class
    cluster_spec: dict[str, object] = {
        "instances": cnpg.instances,
        "storage": storage,
        "bootstrap": {"initdb": {"database": db.name, "owner": db.owner}},
    }
    if cnpg.image_name:
        cluster_spec["imageName"] = cnpg.image_name
    cluster_spec["managed"] = {"roles": managed_roles(inp)}
    reclaim = "delete" if inp.spec.deletion_policy == "Delete" else "retain"
    cluster: Manifest = {
        "apiVersion": kinds.PG_CLUSTER.api_version,
        "kind": kinds.PG_CLUSTER.kind,
        "metadata": metadata(inp, kinds.PG_CLUSTER, cluster_name, component="database"),
        "spec": cluster_spec,
    }
    database: Manifest = {
        "apiVersion": kinds.PG_DATABASE.api_version,
        "kind": kinds.PG_DATABASE.kind,
        "metadata": metadata(
            inp, kinds.PG_DATABASE, naming.pg_database(inp.name), component="database"
        ),
        "spec": {
            "name": db.name,
            "owner": db.owner,
            "cluster": {"name": cluster_name},
            "ensure": "present",
            "databaseReclaimPolicy": reclaim,
            "schemas": [
                {"name": context, "owner": context_role(inp, context), "ensure": "present"}
                for context in CONTEXTS
            ],
            # The catalog's vectors (ADR 0052). pgvector is not a trusted extension, so the
            # database's owner may not create it: CloudNativePG does, as its superuser (its
            # default and `standard` images ship pgvector; its `minimal` images do not).
            "extensions": [{"name": "vector", "ensure": "present", "schema": "public"}],
        },
    }
    return [cluster, database]
