"""The request guard's checks, on their own: which text, depth and targets it refuses."""

from __future__ import annotations

import pytest

from shop.common.request_guard import (
    RefusedError,
    RequestLimits,
    check_target,
    forbidden_character,
    json_depth_exceeds,
)

pytestmark = pytest.mark.unit
LIMITS = RequestLimits(max_query_bytes=64, max_json_depth=3)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("a\x00b", "control character U+0000 at 1"),
        ("\x1b[31m", "control character U+001B at 0"),
        ("mug \ud800", "lone surrogate U+D800 at 4"),
        ("abc\u202eexe.gnp", "bidirectional control U+202E at 3"),
        ("\u200fname", "bidirectional control U+200F at 0"),
        ("x\u2066y", "bidirectional control U+2066 at 1"),
    ],
)
def test_text_no_input_needs_is_named(text: str, problem: str) -> None:
    assert forbidden_character(text) == problem


def test_names_in_any_script_tabs_and_newlines_pass() -> None:
    assert forbidden_character("Café שלום 東京 emoji 🍵\tline\nnext\r\n") is None


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert not json_depth_exceeds(b'[[["[[[[[["]]]', 3)
    assert not json_depth_exceeds(b'{"a": {"b": ["c\\"[[[["]}}', 3)
    assert json_depth_exceeds(b"[[[[]]]]", 3)
    assert json_depth_exceeds(b'{"a": [{"b": []}]}', 3)


def scope(path: str, query: bytes = b"", raw_path: bytes | None = None) -> dict[str, object]:
    return {"path": path, "raw_path": raw_path or path.encode(), "query_string": query}


@pytest.mark.parametrize(
    ("target", "status", "code"),
    [
        (scope("/templates/.."), 422, "path-traversal"),
        (scope("/carts/a/b", raw_path=b"/carts/a%2Fb"), 422, "path-traversal"),
        (scope("/carts/a\\b"), 422, "path-traversal"),
        (scope("/orders", b"customer_id=" + b"x" * 64), 414, "query-too-long"),
        (scope("/orders", b"customer_id=a%00"), 422, "forbidden-character"),
        (scope("/orders", b"since=%ff"), 422, "forbidden-character"),
    ],
)
def test_hostile_targets_are_refused(target: dict[str, object], status: int, code: str) -> None:
    with pytest.raises(RefusedError) as refused:
        check_target(target, LIMITS)
    assert (refused.value.status, refused.value.code) == (status, code)


def test_ordinary_targets_pass() -> None:
    check_target(scope("/products", b"q=caf%C3%A9&limit=20"), LIMITS)
    check_target(scope("/carts/alice.smith/lines"), LIMITS)
