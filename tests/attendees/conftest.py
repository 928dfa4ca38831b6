"""Fixtures for these tests live in tests/conftest.py; people and sign-ups in tests/factories.py."""
