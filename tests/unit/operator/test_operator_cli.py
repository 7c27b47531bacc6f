import getpass
import pwd
import socket

import pytest

from shopkeeper.cli import main, parser, peer_identity
from shopkeeper.settings import OperatorSettings


def test_run_options_parse() -> None:
    args = parser().parse_args(["run", "-n", "a", "-n", "b", "--standalone", "--priority", "5"])
    assert args.namespaces == ["a", "b"]
    assert args.standalone
    assert args.peering_priority == 5


def test_crd_command_prints_the_crd(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crd"]) == 0
    assert "kind: CustomResourceDefinition" in capsys.readouterr().out


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPKEEPER_NAMESPACES", '["shop"]')
    monkeypatch.setenv("SHOPKEEPER_METRICS_PORT", "0")
    settings = OperatorSettings()
    assert settings.namespaces == ["shop"]
    assert settings.metrics_port == 0


def test_replicas_get_distinct_peering_priorities_by_default() -> None:
    priorities = {OperatorSettings().peering_priority for _ in range(20)}
    assert len(priorities) > 1


def test_the_peer_identity_needs_no_passwd_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in the image: uid 65532 has no passwd entry and no login name is set.
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with pytest.raises(KeyError):
        getpass.getuser()  # what kopf's default identity calls
    first, second = peer_identity(), peer_identity()
    assert first.startswith(f"{socket.gethostname()}/")
    assert first != second
