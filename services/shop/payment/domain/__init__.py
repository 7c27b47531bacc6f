"""The payment model; no I/O (the gateway is a port, see `gateway`)."""
