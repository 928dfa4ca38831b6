"""Browser fixtures live in tests/conftest.py, shared with the browser tests of every app."""
