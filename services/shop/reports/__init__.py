"""Reports: sales projections built from order events."""
