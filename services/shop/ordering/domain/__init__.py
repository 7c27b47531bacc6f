"""The ordering model and the order saga's pure state machine; no I/O."""
