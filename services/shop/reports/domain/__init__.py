"""The sales projection as pure reducers over order events; no I/O."""
