"""The outbox's tests send through a real SMTP server on loopback (tests/reliability/conftest.py)."""

from tests.reliability.conftest import mail_server, smtp_settings  # noqa: F401 (fixtures)
