"""Every route of every context's API, and every dependency it declares, is a coroutine.

FastAPI runs a plain function in its thread pool: a thread hand-off per request for what is a
dictionary lookup (the wired context, the read cache), which the HTTP path cannot afford.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from localinfra.paths import REPO_ROOT
from shop.common.dead_letters_api import dead_letters_router

ROUTE_MODULES = sorted(
    f"shop.{path.parent.parent.name}.entrypoints.{path.stem}"
    for path in (REPO_ROOT / "services" / "shop").glob("*/entrypoints/routes*.py")
)


def _router(name: str) -> APIRouter:
    router: APIRouter = importlib.import_module(name).router
    return router


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _on_the_loop(call: Callable[..., Any]) -> bool:
    return any(
        check(call) or check(type(call).__call__)  # a function, or an object called
        for check in (inspect.iscoroutinefunction, inspect.isasyncgenfunction)
    )


def _in_threads(router: APIRouter) -> list[str]:
    found = []
    for route in router.routes:
        if isinstance(route, APIRoute):
            calls = [route.endpoint, *_calls(route.dependant)]
            found += [f"{route.path}: {c.__qualname__}" for c in calls if not _on_the_loop(c)]
    return found


def test_every_context_has_route_modules() -> None:
    contexts = {name.split(".")[1] for name in ROUTE_MODULES}
    assert contexts == {"basket", "catalog", "ordering", "payment", "notification", "reports"}


@pytest.mark.parametrize("name", ROUTE_MODULES)
def test_routes_and_their_dependencies_are_coroutines(name: str) -> None:
    assert _in_threads(_router(name)) == []


def test_the_dead_letter_routes_are_coroutines_too() -> None:
    assert _in_threads(dead_letters_router("payment")) == []
