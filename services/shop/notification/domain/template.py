"""Message templates with `{{ name }}` and `{{ name | default text }}` placeholders.

Rendering is strict: a placeholder with no value and no default is an error, so a customer
never receives a raw `{{ email }}`. A text is parsed once per process (`_parts`): the worker
renders the same few templates for every event.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from shop.notification.domain.errors import TemplateError

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|\s*([^{}]*?)\s*)?\}\}")
_TEMPLATE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EVENT_TYPE = re.compile(r"^[a-z]+\.[a-z-]+$")


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@dataclass(frozen=True)
class Template:
    """What to send when an event of `event_type` arrives."""

    name: str
    event_type: str
    subject: str
    body: str

    def __post_init__(self) -> None:
        if not _TEMPLATE_NAME.match(self.name) or len(self.name) > 64:
            raise TemplateError(f"template name {self.name!r} must be lowercase words and dashes")
        if not _EVENT_TYPE.match(self.event_type):
            raise TemplateError(f"event type {self.event_type!r} is not like `order.confirmed`")
        if not self.subject.strip() or not self.body.strip():
            raise TemplateError("a template needs a subject and a body")
        for text in (self.subject, self.body):
            leftover = _PLACEHOLDER.sub("", text)
            if "{{" in leftover or "}}" in leftover:
                raise TemplateError(f"template {self.name!r} has a malformed placeholder")

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(
            name for text in (self.subject, self.body) for _, name, _ in _parts(text) if name
        )

    def render(self, values: Mapping[str, str]) -> Rendered:
        """Fill the placeholders; raises `TemplateError` naming every missing value."""
        missing = sorted(
            name
            for text in (self.subject, self.body)
            for _, name, default in _parts(text)
            if name and name not in values and not default
        )
        if missing:
            raise TemplateError(f"template {self.name!r} needs values for: {', '.join(missing)}")
        return Rendered(_fill(self.subject, values), _fill(self.body, values))


_Part = tuple[str, str | None, str | None]
"""Literal text, then the placeholder after it (None at the end) and its default."""


@functools.lru_cache(maxsize=256)
def _parts(text: str) -> tuple[_Part, ...]:
    pieces = _PLACEHOLDER.split(text)  # literal, (name, default, literal)*
    literals, names, defaults = pieces[0::3], pieces[1::3], pieces[2::3]
    return tuple(
        (literal, names[i] if i < len(names) else None, defaults[i] if i < len(names) else None)
        for i, literal in enumerate(literals)
    )


def _fill(text: str, values: Mapping[str, str]) -> str:
    return "".join(
        literal + (values.get(name, default or "") if name else "")
        for literal, name, default in _parts(text)
    )
