"""The caller a valid token names: its subject and the roles its groups grant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Principal:
    """Who called. A customer's id is the token's subject (`sub`); `client` is who asked for
    the token (`azp`, else the single audience)."""

    subject: str
    client: str
    groups: frozenset[str]
    is_admin: bool
    is_service: bool
    name: str | None = None

    @property
    def is_staff(self) -> bool:
        """Admins and services read any customer's resources; customers only their own."""
        return self.is_admin or self.is_service

    @classmethod
    def from_claims(cls, claims: dict[str, Any], admin_group: str, service_group: str) -> Principal:
        raw_groups = claims.get("groups") or []
        groups = frozenset(g for g in raw_groups if isinstance(g, str))
        audience = claims.get("aud")
        default_client = audience if isinstance(audience, str) else ""
        name = claims.get("preferred_username") or claims.get("name") or claims.get("email")
        return cls(
            subject=str(claims["sub"]),
            client=str(claims.get("azp") or default_client),
            groups=groups,
            is_admin=admin_group in groups,
            is_service=service_group in groups,
            name=str(name) if name else None,
        )
