"""Payment: one payment per order through a (mock) gateway, and refunds."""
