"""Payment use cases: charge and refund, once per order."""
