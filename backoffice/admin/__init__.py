"""The organisers' back office on Django's admin: one module per app whose models it shows."""

from . import catering, messaging, outbox, program, questions, registration  # noqa: F401 (registers the admins)
