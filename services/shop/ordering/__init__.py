"""Ordering: orders, their history, and the order saga that orchestrates stock and payment."""
