"""docs/contributing.md's count of the files one order's path opens is the code's own."""

from __future__ import annotations

import re

from localinfra.paths import REPO_ROOT
from support.order_path import SHARED, order_path

PAGE = REPO_ROOT / "docs" / "contributing.md"
TODAY = re.compile(r"^\| today\b.*\| (\d+) \| (\d+) \| (\d+) \| \d+ \|$", re.MULTILINE)


def test_the_documented_count_of_todays_tree_is_what_the_imports_give() -> None:
    documented = TODAY.search(PAGE.read_text())
    assert documented, "docs/contributing.md has no '| today ... |' row in 'Following one order'"
    path = order_path()
    counted = (len(path.context_modules), len(path.shared_modules), path.files)
    assert tuple(int(n) for n in documented.groups()) == counted, (
        "the order's path changed: update the 'today' row of docs/contributing.md"
        " (PYTHONPATH=tests:hack uv run --frozen python -m support.order_path lists the files)"
    )


def test_the_path_starts_at_the_checkout_and_runs_through_every_shared_module() -> None:
    path = order_path()
    assert "shop.basket.entrypoints.routes" in path.context_modules
    assert "shop.notification.entrypoints.worker" in path.context_modules
    assert not [m for m in path.context_modules if m.startswith(("shop.common", "shop.reports"))]
    assert path.shared_modules == SHARED  # each one named still exists
