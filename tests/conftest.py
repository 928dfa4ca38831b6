"""Fixtures shared by the whole suite."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from program.services import EDITIONS_DIR, edition_load

# A fixed "today" so that tests do not depend on the day they run.
NOW = timezone.make_aware(dt.datetime(2026, 11, 23, 12, 0))


@pytest.fixture(autouse=True)
def _clear_cache():
    """program.selectors.current_edition caches the edition: start every test without it."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def edition_2023_data() -> dict:
    return json.loads((EDITIONS_DIR / "2023.json").read_text(encoding="utf-8"))


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture
def edition_2023(db, edition_2023_data):
    """The 2023 edition as written in the invitation (dates of 2023)."""
    return edition_load(data=edition_2023_data, now=NOW)


@pytest.fixture
def upcoming_edition(db, edition_2023_data):
    """The 2023 program moved to the next 29–30 November, registration open (as `make run` loads it)."""
    return edition_load(data=edition_2023_data, upcoming=True, now=timezone.now())
