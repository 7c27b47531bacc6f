"""`make deps` provisions the upstream CRDs; a clone with nothing beside it installs them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from localinfra.kube_crds import crd_documents
from localinfra.paths import REPO_ROOT
from localinfra.upstream_crds import CrdSet, crd_sets
from support.project_files import project_files

pytestmark = pytest.mark.integration

# A few CRDs of each set, with an API version the project writes them at.
EXPECTED = {
    "strimzi": {
        f"{plural}.kafka.strimzi.io": "v1"
        for plural in ("kafkas", "kafkatopics", "kafkaconnects", "kafkaconnectors")
    },
    "cloudnative-pg": {"clusters.postgresql.cnpg.io": "v1", "poolers.postgresql.cnpg.io": "v1"},
    "prometheus-operator": {
        f"{plural}.monitoring.coreos.com": "v1"
        for plural in ("servicemonitors", "podmonitors", "prometheusrules")
    },
    "keda": {"scaledobjects.keda.sh": "v1alpha1", "triggerauthentications.keda.sh": "v1alpha1"},
    "gateway-api": {
        "gatewayclasses.gateway.networking.k8s.io": "v1",
        "gateways.gateway.networking.k8s.io": "v1",
        "httproutes.gateway.networking.k8s.io": "v1",
        "referencegrants.gateway.networking.k8s.io": "v1beta1",
    },
    "traefik": {"middlewares.traefik.io": "v1alpha1"},
}
SMOKE = "tests/integration/test_kube_smoke.py"


@pytest.mark.parametrize("crd_set", crd_sets(), ids=lambda s: s.name)
def test_each_pinned_set_is_provisioned_with_its_crds(crd_set: CrdSet) -> None:
    assert crd_set.is_provisioned(), f"run `make deps`: {crd_set.directory} is missing"
    crds = {doc["metadata"]["name"]: doc for doc in crd_documents(crd_set.directory)}
    for name, version in EXPECTED[crd_set.name].items():
        assert name in crds
        served = {v["name"] for v in crds[name]["spec"]["versions"] if v["served"]}
        assert version in served, name


def copy_of_the_project(target: Path) -> Path:
    """The project's files (tracked and new) copied to `target`: a clone with nothing beside it."""
    for source in project_files():
        if source.is_file():
            copy = target / source.relative_to(REPO_ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return target


def test_a_clone_without_shared_beside_it_installs_the_upstream_crds(tmp_path: Path) -> None:
    clone = copy_of_the_project(tmp_path / "clone" / "shopkeeper")
    assert not (clone.parent / "shared").exists()
    code = ":".join(str(clone / part) for part in ("hack", "services", "operator"))
    env = {**os.environ, "PYTHONPATH": code, "SHOPKEEPER_TEST_TMP": str(tmp_path / "runs")}
    env.pop("PYTEST_ADDOPTS", None)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            SMOKE,
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "upstream_crd_is_established or strimzi_schema",
        ],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "2 passed" in run.stdout
