"""Choosing a JDK for Strimzi's CRD generator; where the pinned CRD sets land."""

from __future__ import annotations

from pathlib import Path

import pytest

from localinfra.errors import MissingDependencyError
from localinfra.upstream_crds import crd_sets, crds_root, java_home_at_least
from localinfra.versions import versions


def jdk(root: Path, name: str, release: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("")
    (home / "release").write_text(f'IMPLEMENTOR="x"\nJAVA_VERSION="{release}"\n')
    return home


def test_the_first_jdk_new_enough_is_chosen(tmp_path: Path) -> None:
    old, new = jdk(tmp_path, "jdk-17", "17.0.15"), jdk(tmp_path, "jdk-25", "25.0.3")
    assert java_home_at_least(21, [old, new, jdk(tmp_path, "jdk-21", "21.0.1")]) == new


def test_without_a_jdk_new_enough_the_message_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(MissingDependencyError, match="Java 21"):
        java_home_at_least(21, [jdk(tmp_path, "jdk-17", "17.0.15"), tmp_path / "absent"])


def test_each_set_lands_in_the_cache_under_its_name_and_pinned_version() -> None:
    pinned = {s.name: s for s in crd_sets()}
    assert set(pinned) == {
        "strimzi",
        "cloudnative-pg",
        "prometheus-operator",
        "keda",
        "gateway-api",
        "traefik",
    }
    assert pinned["strimzi"].directory == crds_root() / f"strimzi-{versions().strimzi}"
    assert pinned["gateway-api"].version == versions().gateway_api
    assert pinned["traefik"].version == versions().traefik
