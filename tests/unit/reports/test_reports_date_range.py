"""The sales report's default range starts 29 days before its end, clamped to the first date."""

from __future__ import annotations

from datetime import date

import pytest

from shop.reports.entrypoints.routes import DEFAULT_DAYS, days_before


def test_the_default_range_starts_29_days_before_its_end() -> None:
    assert days_before(date(2026, 12, 1), DEFAULT_DAYS) == date(2026, 11, 2)


@pytest.mark.parametrize("end", [date.min, date(1, 1, 29), date(1, 1, 30)])
def test_an_end_near_the_first_date_starts_the_range_at_the_first_date(end: date) -> None:
    assert days_before(end, DEFAULT_DAYS) == date.min
