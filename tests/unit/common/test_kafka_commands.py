"""`shop kafka`'s output for people, and its refusals."""

from __future__ import annotations

import pytest

from shop.cli import main as shop_cli
from shop.kafka_commands import table


def test_rows_print_as_aligned_columns_under_their_keys() -> None:
    rows = [{"topic": "a", "partition": 0, "lag": 12}, {"topic": "bb", "partition": 1, "lag": None}]

    assert table(rows).splitlines() == [
        "topic  partition  lag",
        "a      0          12",
        "bb     1          -",
    ]


def test_no_rows_print_as_none() -> None:
    assert table([]) == "(none)"


def test_without_a_kafka_address_the_command_says_what_to_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SHOP_KAFKA_BOOTSTRAP_SERVERS", raising=False)

    with pytest.raises(SystemExit) as exited:
        shop_cli(["kafka", "topics"])

    assert exited.value.code == 2
    assert "SHOP_KAFKA_BOOTSTRAP_SERVERS" in capsys.readouterr().err
