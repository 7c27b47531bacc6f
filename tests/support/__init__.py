"""Helpers shared by the test tiers (no fixtures: those live in conftest.py and infra/)."""
