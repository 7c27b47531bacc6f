"""Why a notification operation was refused (domain errors; the API maps them to problems)."""

from __future__ import annotations

from shop.common.errors import NotFoundError, RuleViolationError


class TemplateError(RuleViolationError):
    """A template is malformed, or cannot be rendered with the values at hand."""

    code = "invalid-template"
    title = "The template is invalid"


class TemplateNotFoundError(NotFoundError):
    code = "template-not-found"
    title = "Template not found"
