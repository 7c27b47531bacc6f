"""The catalog's model: plain dataclasses, no I/O."""
