import pytest

from shopkeeper.cli import main, parser
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
