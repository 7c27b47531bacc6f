"""Templates: placeholders with defaults, strict rendering, and the values they render with."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shop.notification.domain.errors import TemplateError
from shop.notification.domain.template import Rendered, Template
from shop.notification.domain.values import recipient, stated, template_values
from shop.notification.entrypoints.schemas import TemplateIn

CONFIRMED = Template(
    "order-confirmed",
    "order.confirmed",
    "Order {{ order_id }} confirmed",
    "Hello {{ name | customer }}, we received {{total}} {{ currency }} for {{ items }}.",
)


def test_rendering_fills_placeholders_and_uses_defaults_for_missing_values() -> None:
    rendered = CONFIRMED.render(
        {"order_id": "o-1", "total": "23.00", "currency": "EUR", "items": "2 x Mug"}
    )

    assert rendered == Rendered(
        "Order o-1 confirmed", "Hello customer, we received 23.00 EUR for 2 x Mug."
    )


def test_rendering_names_every_missing_value_that_has_no_default() -> None:
    with pytest.raises(TemplateError, match="currency, items, order_id, total"):
        CONFIRMED.render({})


def test_placeholders_are_listed() -> None:
    assert CONFIRMED.placeholders == {"order_id", "name", "total", "currency", "items"}


@pytest.mark.parametrize(
    ("name", "event_type", "subject", "body", "message"),
    [
        ("Bad Name", "order.confirmed", "s", "b", "lowercase"),
        ("ok", "confirmed", "s", "b", "event type"),
        ("ok", "order.confirmed", "", "b", "subject"),
        ("ok", "order.confirmed", "s", "Hi {{ name", "malformed"),
        ("ok", "order.confirmed", "s", "Hi {{ 1x }}", "malformed"),
    ],
)
def test_malformed_templates_are_refused(
    name: str, event_type: str, subject: str, body: str, message: str
) -> None:
    with pytest.raises(TemplateError, match=message):
        Template(name, event_type, subject, body)


def test_event_data_wins_over_looked_up_data_which_only_fills_gaps() -> None:
    event: dict[str, object] = {"order_id": "o-1", "total": "23.00", "email": None, "lines": []}
    looked_up = {"total": "99.00", "email": "alice@example.com", "status": "CONFIRMED"}

    values = template_values(event, looked_up)

    assert values["total"] == "23.00"
    assert values["email"] == "alice@example.com"
    assert values["status"] == "CONFIRMED"


def test_without_a_lookup_the_event_data_alone_is_used_and_lines_are_summarised() -> None:
    event = {
        "order_id": "o-1",
        "customer_id": "alice",
        "lines": [{"name": "Mug", "quantity": 2}, {"product_id": "p-2", "quantity": 1}],
        "paid": True,
    }

    values = template_values(event, None)

    assert values == {"order_id": "o-1", "customer_id": "alice", "items": "2 x Mug, 1 x p-2"}


def test_the_recipient_is_the_email_address_else_the_customer_id() -> None:
    assert recipient({"email": "a@example.com", "customer_id": "alice"}) == "a@example.com"
    assert recipient({"customer_id": "alice"}) == "alice"
    assert recipient({}) is None


def test_an_event_type_longer_than_its_column_is_refused_as_input() -> None:
    """`templates.event_type` is VARCHAR(64): a longer one was a 500 (found by make fuzz)."""
    body = {"subject": "s", "body": "b"}
    assert TemplateIn(event_type=f"order.{'x' * 58}", **body).event_type
    with pytest.raises(ValidationError, match="at most 64 characters"):
        TemplateIn(event_type=f"order.{'x' * 59}", **body)


def test_an_event_states_its_values_and_the_fields_its_type_defines_that_it_omits() -> None:
    data = {"order_id": "o-1", "customer_id": "alice", "total": "5"}

    assert stated(data) == {"order_id", "customer_id", "total"}
    assert stated(data, {"email", "lines"}) == {
        *("order_id", "customer_id", "total", "email", "lines", "items"),
    }
    assert "items" in stated({"lines": []})  # lines state what they summarise, even nothing
