"""The files a reader opens to follow one order from checkout to notification, counted as
docs/contributing.md ("Following one order") defines them: the modules of the five contexts the
order crosses that the path's entry points import, followed through their imports within those
contexts, plus the shared modules the path runs through.

    PYTHONPATH=tests:hack uv run --frozen python -m support.order_path
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from localinfra.paths import REPO_ROOT

SOURCES = REPO_ROOT / "services"
CONTEXTS = ("basket", "ordering", "catalog", "payment", "notification")
# Basket's routes take the checkout; the four others' workers wire the consumers of the path.
ENTRY_POINTS = (
    "shop.basket.entrypoints.routes",
    *(f"shop.{context}.entrypoints.worker" for context in CONTEXTS[1:]),
)
SHARED = (
    "shop.common.messagebus",
    "shop.common.bootstrap",
    "shop.common.uow",
    "shop.common.context_uow",
    "shop.common.outbox_write",
    "shop.common.context_worker",
    "shop.common.consumer.inbound",
    "shop.common.consumer.routing",
    "shop.common.consumer.processor",
    "shop.common.relay.runner",
    "shop.topology",
)


@dataclass(frozen=True)
class OrderPath:
    context_modules: tuple[str, ...]
    shared_modules: tuple[str, ...]

    @property
    def files(self) -> int:
        return len(self.context_modules) + len(self.shared_modules)


def module_file(module: str) -> Path | None:
    """The file defining `module` (a package's `__init__.py`), or None outside the tree."""
    base = SOURCES.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(module: str) -> set[str]:
    """The modules `module` imports anywhere in its body (a `from package import name` names
    the submodule when `name` is one)."""
    path = module_file(module)
    assert path is not None, module
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if module_file(f"{node.module}.{alias.name}") is not None
            )
    return found


def _in_the_contexts(module: str) -> bool:
    parts = module.split(".")
    return len(parts) > 2 and parts[0] == "shop" and parts[1] in CONTEXTS


def order_path() -> OrderPath:
    """Every context module reached from the entry points, and the shared modules that exist."""
    seen: set[str] = set()
    todo = list(ENTRY_POINTS)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo += [m for m in imported_modules(module) if _in_the_contexts(m) and module_file(m)]
    # A package's __init__.py holds its docstring only: a reader opens the modules.
    opened = sorted(
        m for m in seen if (file := module_file(m)) is not None and file.name != "__init__.py"
    )
    shared = tuple(m for m in SHARED if module_file(m) is not None)
    return OrderPath(tuple(opened), shared)


def main() -> None:
    path = order_path()
    for module in (*path.context_modules, *path.shared_modules):
        print(module)
    print(
        f"context files {len(path.context_modules)}, shared {len(path.shared_modules)},"
        f" files {path.files}"
    )


if __name__ == "__main__":
    main()
