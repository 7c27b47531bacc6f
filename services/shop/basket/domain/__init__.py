"""The basket's model: plain dataclasses, no I/O."""
