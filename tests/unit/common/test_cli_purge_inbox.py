"""`shop purge-inbox` refuses bad input with exit code 2 and a clear message."""

import os

import pytest

from shop.cli import main
from support.cli import exit_of


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SHOP_"):
            monkeypatch.delenv(name)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["purge-inbox", "Catalog"], "must be a lowercase SQL identifier"),
        (["purge-inbox", "catalog", "--older-than", "a while"], "is not a duration"),
        (["purge-inbox", "catalog", "--older-than", "10m"], "--older-than must be at least"),
        (["purge-inbox", "catalog", "--batch-size", "0"], "--batch-size must be between 1"),
        (["purge-inbox", "catalog"], "set SHOP_CATALOG_DATABASE_URL or SHOP_DATABASE_URL"),
    ],
)
def test_bad_purge_requests_exit_2_with_a_clear_error(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = exit_of(main, argv, capsys)
    assert code == 2
    assert message in err


def test_a_bad_retention_in_the_environment_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SHOP_INBOX_RETENTION", "forever")
    with pytest.raises(SystemExit):
        main(["purge-inbox", "catalog", "--database-url", "postgresql://u:p@db/shop"])
    assert "SHOP_CATALOG_INBOX_RETENTION (or SHOP_INBOX_RETENTION)" in capsys.readouterr().err
