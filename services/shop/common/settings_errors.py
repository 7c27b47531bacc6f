"""One-line explanations of settings that refuse to load, naming the environment variable."""

from __future__ import annotations

from pydantic import AliasChoices, ValidationError
from pydantic_settings import BaseSettings

SHOP_PREFIX = "SHOP_"
"""The shop-wide prefix: `SHOP_<FIELD>` sets a field for every process lacking its own value."""


class SettingsError(Exception):
    """A process refuses to start: a setting is missing, invalid or an unsafe placeholder."""


def describe_validation_error(err: ValidationError, settings_cls: type[BaseSettings]) -> str:
    """Explain every error in one line; never echo the rejected value (it may be a secret)."""
    problems = []
    for error in err.errors(include_input=False, include_url=False):
        location = error["loc"][0] if error["loc"] else ""
        variable = _variable_for(str(location), settings_cls)
        if error["type"] == "missing":
            hint = _fallback_hint(str(location), settings_cls)
            problems.append(f"{variable} is required but not set{hint}")
        else:
            problems.append(f"{variable}: {error['msg']}")
    return f"invalid settings for {settings_cls.__name__}: " + "; ".join(problems)


def env_var(settings_cls: type[BaseSettings], field_name: str) -> str:
    """The environment variable that sets `field_name` (its alias, or prefix + name)."""
    alias = settings_cls.model_fields[field_name].validation_alias
    if isinstance(alias, str):
        return alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return (settings_cls.model_config.get("env_prefix", "") + field_name).upper()


def _variable_for(location: str, settings_cls: type[BaseSettings]) -> str:
    if location in settings_cls.model_fields:
        return env_var(settings_cls, location)
    return location.upper()  # an alias such as OTEL_SDK_DISABLED is its own variable


def _fallback_hint(location: str, settings_cls: type[BaseSettings]) -> str:
    prefix = settings_cls.model_config.get("env_prefix", "").upper()
    if location not in settings_cls.model_fields or prefix == SHOP_PREFIX:
        return ""
    return f" (or the shop-wide {SHOP_PREFIX}{location.upper()})"
