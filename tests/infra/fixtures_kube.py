"""Session fixtures: a real Kubernetes control plane (etcd, apiserver, controller-manager)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from localinfra.kube import ControlPlane
from support.kube import control_plane
from support.provisioned import provisioned


def session_dir(request: pytest.FixtureRequest, name: str) -> Path:
    """A fresh directory `name` in the infra plugin's session directory (else a pytest one)."""
    try:
        root: Path = request.getfixturevalue("infra_workdir")
    except pytest.FixtureLookupError:
        factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        return factory.mktemp(name)
    workdir = root / name
    workdir.mkdir()
    return workdir


@pytest.fixture(scope="session")
def kube_control_plane(request: pytest.FixtureRequest) -> Iterator[ControlPlane]:
    """A started control plane on free loopback ports; `.kubeconfig` is an admin kubeconfig."""
    with control_plane(session_dir(request, "kube")) as plane:
        yield plane


@pytest.fixture(scope="session")
def kube_upstream_crds(kube_control_plane: ControlPlane) -> ControlPlane:
    """The control plane with the operators' upstream CRDs (Strimzi, CNPG, ...) Established."""
    provisioned(kube_control_plane.install_upstream_crds, "installing the upstream CRDs failed")
    return kube_control_plane
