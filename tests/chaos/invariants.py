"""The business invariants checked over a whole chaos run, read from every context's tables
(the observer's view; the shop never reads another context's schema)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

FINAL = ("CONFIRMED", "CANCELLED")
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Verdict:
    """One invariant: whether it held, over how many things, and what broke it."""

    name: str
    checked: int
    violations: tuple[str, ...]

    @property
    def held(self) -> bool:
        return not self.violations


@dataclass(frozen=True)
class Snapshot:
    """Every table the invariants read, at one moment."""

    orders: list[dict[str, Any]]
    stock: dict[str, dict[str, Any]]
    reservations: list[dict[str, Any]]
    payments: dict[str, dict[str, Any]]
    deliveries: list[dict[str, Any]]
    reported_status: dict[str, str]
    reported_counts: dict[str, int]
    product_sales: dict[str, int]


def _rows(connection: psycopg.Connection[dict[str, Any]], sql: str) -> list[dict[str, Any]]:
    return connection.execute(sql).fetchall()


def snapshot(dsn: str) -> Snapshot:
    """Read what the invariants need from the shop's database."""
    with psycopg.connect(dsn, row_factory=dict_row) as db:
        orders = _rows(
            db,
            "SELECT id::text, status, cancel_reason, awaiting, lines, total FROM ordering.orders",
        )
        stock = _rows(db, "SELECT product_id::text, on_hand, reserved FROM catalog.stock_items")
        reservations = _rows(
            db,
            "SELECT order_id::text, product_id::text, quantity, status FROM catalog.reservations",
        )
        payments = _rows(
            db, "SELECT order_id::text, status, amount, refunded_amount FROM payment.payments"
        )
        deliveries = _rows(db, "SELECT template, subject FROM notification.deliveries")
        reported = _rows(db, "SELECT order_id::text, status FROM reports.order_status")
        counts = _rows(db, "SELECT status, orders FROM reports.orders_by_status")
        sales = _rows(db, "SELECT product_id::text, quantity FROM reports.product_sales")
    return Snapshot(
        orders=orders,
        stock={row["product_id"]: row for row in stock},
        reservations=reservations,
        payments={row["order_id"]: row for row in payments},
        deliveries=deliveries,
        reported_status={row["order_id"]: row["status"] for row in reported},
        reported_counts={row["status"]: row["orders"] for row in counts},
        product_sales={row["product_id"]: row["quantity"] for row in sales},
    )


def _verdict(name: str, items: Iterable[Any], broken: Callable[[Any], str | None]) -> Verdict:
    checked, violations = 0, []
    for item in items:
        checked += 1
        if (why := broken(item)) is not None:
            violations.append(why)
    return Verdict(name, checked, tuple(violations[:10]) + _more(len(violations)))


def _more(count: int) -> tuple[str, ...]:
    return (f"... {count - 10} more",) if count > 10 else ()


def sold(orders: Iterable[Mapping[str, Any]]) -> Counter[str]:
    """Units per product of the confirmed orders."""
    units: Counter[str] = Counter()
    for order in orders:
        if order["status"] == "CONFIRMED":
            for line in order["lines"]:
                units[line["product_id"]] += line["quantity"]
    return units


def orders_settled(snap: Snapshot, accepted: set[UUID]) -> Verdict:
    by_id = {order["id"]: order for order in snap.orders}

    def broken(order_id: str) -> str | None:
        order = by_id.get(order_id)
        if order is None:
            return f"accepted order {order_id} is unknown to ordering"
        if order["status"] not in FINAL or order["awaiting"]:
            return f"order {order_id} is {order['status']}, awaiting {order['awaiting']}"
        return None

    unaccepted = set(by_id) - {str(a) for a in accepted}
    verdict = _verdict("every accepted order CONFIRMED or CANCELLED", map(str, accepted), broken)
    extra = tuple(f"order {o} was never accepted by a checkout" for o in sorted(unaccepted)[:5])
    return Verdict(verdict.name, verdict.checked, verdict.violations + extra)


def stock_conserved(snap: Snapshot, initial: Mapping[UUID, int]) -> Verdict:
    units = sold(snap.orders)
    committed: Counter[str] = Counter()
    for reservation in snap.reservations:
        if reservation["status"] == "committed":
            committed[reservation["product_id"]] += reservation["quantity"]

    def broken(item: tuple[UUID, int]) -> str | None:
        product, start = str(item[0]), item[1]
        row = snap.stock[product]
        if row["on_hand"] + units[product] != start or row["reserved"] != 0:
            return (
                f"{product}: started {start}, sold {units[product]}, on hand {row['on_hand']}, "
                f"reserved {row['reserved']}"
            )
        if committed[product] != units[product]:
            return f"{product}: reservations committed {committed[product]}, sold {units[product]}"
        return None

    return _verdict("stock conserved per product", initial.items(), broken)


def no_reservation_left(snap: Snapshot) -> Verdict:
    def broken(reservation: Mapping[str, Any]) -> str | None:
        if reservation["status"] == "reserved":
            return f"order {reservation['order_id']} still holds {reservation['product_id']}"
        return None

    return _verdict("no reservation left held", snap.reservations, broken)


def charged_once(snap: Snapshot) -> Verdict:
    def broken(order: Mapping[str, Any]) -> str | None:
        payment = snap.payments.get(order["id"])
        if order["status"] == "CONFIRMED":
            if payment is None or payment["status"] != "succeeded":
                return f"confirmed order {order['id']} has payment {payment}"
            if payment["amount"] != order["total"] or payment["refunded_amount"] != 0:
                return f"confirmed order {order['id']} charged {payment}, total {order['total']}"
            return None
        charged = payment is not None and payment["status"] == "succeeded"
        if charged and payment is not None and payment["refunded_amount"] != payment["amount"]:
            return f"cancelled order {order['id']} stays charged: {payment}"
        return None

    return _verdict("confirmed charged exactly once, cancelled not charged", snap.orders, broken)


def expected_notices(order: Mapping[str, Any], payment: Mapping[str, Any] | None) -> Counter[str]:
    """One notice of the order's outcome, and one of a failed payment (which may come after the
    order was cancelled for another reason, e.g. its deadline)."""
    notices = Counter(
        {"order-confirmed" if order["status"] == "CONFIRMED" else "order-cancelled": 1}
    )
    if payment is not None and payment["status"] == "failed":
        notices["payment-failed"] = 1
    return notices


def notifications_agree(snap: Snapshot) -> Verdict:
    sent: dict[str, Counter[str]] = {}
    for delivery in snap.deliveries:
        for order_id in UUID_PATTERN.findall(delivery["subject"]):
            sent.setdefault(order_id, Counter())[delivery["template"]] += 1

    def broken(order: Mapping[str, Any]) -> str | None:
        got = sent.get(order["id"], Counter())
        want = expected_notices(order, snap.payments.get(order["id"]))
        return None if got == want else f"order {order['id']}: sent {dict(got)}, want {dict(want)}"

    return _verdict("one notification per outcome and failed payment", snap.orders, broken)


def reports_agree(snap: Snapshot, products: Iterable[UUID]) -> Verdict:
    units = sold(snap.orders)
    counts = Counter(order["status"] for order in snap.orders)
    checks: list[tuple[str, object, object]] = [
        (f"status of {o['id']}", snap.reported_status.get(o["id"]), o["status"])
        for o in snap.orders
    ]
    checks += [(f"orders {s}", snap.reported_counts.get(s, 0), counts[s]) for s in FINAL]
    checks += [
        (f"units of {p}", snap.product_sales.get(str(p), 0), units[str(p)]) for p in products
    ]

    def broken(check: tuple[str, object, object]) -> str | None:
        what, reported, actual = check
        return None if reported == actual else f"{what}: reported {reported}, actual {actual}"

    return _verdict("reports agree with orders", checks, broken)


def dead_letters_explained(letters: Iterable[Mapping[str, Any]]) -> Verdict:
    def broken(letter: Mapping[str, Any]) -> str | None:
        if letter.get("error_type") and letter.get("error_message"):
            return None
        return f"{letter.get('topic')}@{letter.get('offset')} carries no reason"

    return _verdict("every dead letter gives its reason", letters, broken)


def no_server_errors(errors: list[str], answers: int) -> Verdict:
    return Verdict("no API answered 500", answers, tuple(errors[:10]) + _more(len(errors)))


def check_all(snap: Snapshot, accepted: set[UUID], initial: Mapping[UUID, int]) -> list[Verdict]:
    """The invariants the database can tell (dead letters and HTTP answers come separately)."""
    return [
        orders_settled(snap, accepted),
        stock_conserved(snap, initial),
        no_reservation_left(snap),
        charged_once(snap),
        notifications_agree(snap),
        reports_agree(snap, initial),
    ]
