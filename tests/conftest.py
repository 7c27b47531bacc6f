"""Shared test configuration: markers follow the folder a test lives in."""

from pathlib import Path

import pytest

_TIER_BY_FOLDER = {"unit": "unit", "integration": "integration", "e2e": "e2e"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = Path(str(item.path)).relative_to(Path(__file__).parent).parts[0]
        tier = _TIER_BY_FOLDER.get(folder)
        if tier and not any(item.iter_markers(tier)):
            item.add_marker(tier)
