from pathlib import Path

from shopkeeper.login import in_cluster_connection

IN_A_POD = {"KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"}


def service_account(directory: Path) -> Path:
    directory.mkdir()
    (directory / "token").write_text("a-token\n")
    (directory / "ca.crt").write_text("a CA")
    (directory / "namespace").write_text("shopkeeper-system")
    return directory


def test_in_a_pod_the_service_address_comes_from_the_environment_not_dns(tmp_path: Path) -> None:
    found = in_cluster_connection(IN_A_POD, service_account(tmp_path / "sa"))
    assert found is not None
    assert found.server == "https://10.0.0.1:443"
    assert (found.token, found.default_namespace) == ("a-token", "shopkeeper-system")
    assert found.ca_path == str(tmp_path / "sa" / "ca.crt")


def test_an_ipv6_service_address_is_bracketed(tmp_path: Path) -> None:
    environ = {**IN_A_POD, "KUBERNETES_SERVICE_HOST": "fd00::1"}
    found = in_cluster_connection(environ, service_account(tmp_path / "sa"))
    assert found is not None
    assert found.server == "https://[fd00::1]:443"


def test_outside_a_pod_there_is_no_in_cluster_connection(tmp_path: Path) -> None:
    assert in_cluster_connection({}, service_account(tmp_path / "sa")) is None
    assert in_cluster_connection(IN_A_POD, tmp_path / "no-account") is None
