"""Reports use cases: fold order events into the sales projection, and read it."""
