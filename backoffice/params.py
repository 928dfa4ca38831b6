"""Values from the query string of the back office's pages (filters, the chosen day). Anyone can
type an address: a value that is not what the page expects is ignored or refused by the page,
never handed to a query, where it would be a 500."""

import datetime as dt

# The largest primary key PostgreSQL can hold (bigint); longer digit strings are not ids either.
MAX_ID = 2**63 - 1


def id_param(value) -> int | None:
    """The id in `value` ("12"), or None when it is not one: text, empty, signs, a NUL, too long."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def date_param(value) -> dt.date | None:
    """The date in `value` ("2026-11-29"), or None when it is not one."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
