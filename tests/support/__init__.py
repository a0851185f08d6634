"""Helpers the tests import (`from support.X import ...`); fixtures live in tests/conftest.py."""
