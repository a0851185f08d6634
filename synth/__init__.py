"""Clipstream: a simulated short-video app whose event logs land in DuckDB."""

__version__ = "0.1.0"
