import pytest

from shop.cli import main
from support.cli import exit_of


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "catalog"], "is not <context>-relay"),
        (["run", "Catalog-relay"], "is not <context>-relay"),
        (["run", "nosuchcontext-api"], "No module named"),
        (
            ["dlq", "replay", "t.g.dlq", "--offset", "x", "--bootstrap-servers", "k:1"],
            "PARTITION:OFFSET",
        ),
    ],
)
def test_bad_commands_exit_2_with_a_clear_error(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = exit_of(main, argv, capsys)
    assert code == 2
    assert message in err


def test_replay_needs_a_selection(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["dlq", "replay", "t.g.dlq"])
    assert "one of the arguments --all --event-id --offset is required" in capsys.readouterr().err


def test_migrate_without_a_database_url_says_which_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SHOP_DATABASE_URL", raising=False)
    monkeypatch.delenv("SHOP_CATALOG_DATABASE_URL", raising=False)
    with pytest.raises(SystemExit):
        main(["migrate", "catalog"])
    assert "SHOP_CATALOG_DATABASE_URL or SHOP_DATABASE_URL" in capsys.readouterr().err
