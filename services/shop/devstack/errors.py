"""Errors `shop up` and `shop demo` report as one line instead of a traceback."""


class DevstackError(RuntimeError):
    """The local shop cannot start, or cannot be found or driven."""
