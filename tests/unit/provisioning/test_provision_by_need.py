"""Each make target provisions what it needs: `make up` no Kubernetes, `make deps` everything."""
# `make up` runs the shop behind its front door: the gateway (Traefik) and Dex behind it.

from __future__ import annotations

import re
import shlex
import subprocess

import pytest

from localinfra.deps import PROVISIONERS, plan_line
from support.doc_commands import ROOT

_NEEDS_LINE = re.compile(r"localinfra deps --for (.*)$", re.MULTILINE)


def _needs(target: str, *variables: str) -> tuple[str, list[str]]:
    """(who, components) of the provisioning step `make -n target` would run."""
    dry_run = subprocess.run(
        ["make", "-n", target, *variables], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found = _NEEDS_LINE.search(dry_run.stdout)
    assert found is not None, dry_run.stdout
    who, *components = shlex.split(found.group(1))
    return who, components


def test_make_up_provisions_postgres_kafka_the_front_door_redis_and_the_web_app_only() -> None:
    assert _needs("up") == (
        "make up (OUTBOX=relay)",
        ["postgres", "kafka", "dex", "traefik", "redis", "web"],
    )


def test_make_up_without_the_read_cache_provisions_no_redis() -> None:
    assert _needs("up", "UP_FLAGS=--no-redis")[1] == ["postgres", "kafka", "dex", "traefik", "web"]


def test_make_up_in_debezium_mode_adds_the_debezium_plugin() -> None:
    assert _needs("up", "OUTBOX=debezium") == (
        "make up (OUTBOX=debezium)",
        ["postgres", "kafka", "dex", "traefik", "debezium", "redis", "web"],
    )


def test_make_up_with_a_control_plane_adds_kubernetes() -> None:
    assert _needs("up", "UP_FLAGS=--infra-only --kube")[1] == [
        "postgres",
        "kafka",
        "dex",
        "traefik",
        "kube",
        "redis",
        "web",
    ]


def test_make_up_with_observability_adds_prometheus_and_helm_for_the_rules() -> None:
    assert _needs("up", "UP_FLAGS=--observability")[1][-3:] == ["prometheus", "helm", "web"]


@pytest.mark.parametrize("target", ["deps", "test", "integration", "bench"])
def test_the_full_targets_provision_every_component(target: str) -> None:
    assert _needs(target)[1] == []  # no names: every component


def test_every_component_a_target_names_exists() -> None:
    makefile = (ROOT / "Makefile").read_text()
    named = {
        word
        for line in re.findall(r'\$\(NEEDS\) "[^"]*" (.*)$', makefile, re.MULTILINE)
        for word in line.split()
        if not word.startswith("$")
    }
    assert named
    assert named <= set(PROVISIONERS)


def test_the_first_progress_line_says_who_needs_what_and_what_is_not_fetched() -> None:
    line = plan_line(["postgres", "kafka"], "make up")
    assert line.startswith("make up needs postgres, kafka; not fetched: debezium, kube, helm")


def test_provisioning_everything_fetches_nothing_less() -> None:
    assert plan_line(list(PROVISIONERS), "make deps") == (
        f"make deps needs {', '.join(PROVISIONERS)}"
    )
