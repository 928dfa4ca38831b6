"""Fixtures shared by the whole suite.

Real-browser tests (marked `browser`) anywhere in the suite use pytest-playwright's `page` with
Debian's chromium: `playwright install` downloads browsers and cannot work here.
"""

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from backoffice.editions import edition_load
from common.prepared import _PreparingCursor
from program.models import ProgramItem
from program.services import EDITIONS_DIR
from tests.factories import forget_cached

# A fixed "today" so that tests do not depend on the day they run.
NOW = timezone.make_aware(dt.datetime(2026, 11, 23, 12, 0))


@pytest.fixture(autouse=True)
def _clear_cache():
    """The current edition, the sign-up choices and the program page are cached, and each process
    keeps its own copies too: start every test without them."""
    forget_cached()
    yield
    forget_cached()


class LocalClock:
    """The clocks of each process's local copies and of the copies the processes share
    (common.local_copies), moved together by the test."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def window_passes(self) -> None:
        """LOCAL_COPY_SECONDS pass: counts changed since show on this process's pages too."""
        self.advance(settings.LOCAL_COPY_SECONDS + 0.1)


@pytest.fixture
def local_clock(monkeypatch, settings) -> LocalClock:
    settings.LOCAL_COPY_SECONDS = 1.0
    clock = LocalClock()
    monkeypatch.setattr("common.local_copies._clock", clock)
    monkeypatch.setattr("common.local_copies._shared_clock", clock)
    return clock


@pytest.fixture
def pipeline_states(monkeypatch) -> list:
    """Whether each prepared statement (common.prepared) was sent in psycopg's pipeline mode, in
    the order they were sent."""
    states = []
    execute = _PreparingCursor.execute

    def spy(cursor, *args, **kwargs):
        states.append(cursor.connection.pgconn.pipeline_status)
        return execute(cursor, *args, **kwargs)

    monkeypatch.setattr(_PreparingCursor, "execute", spy)
    return states


@pytest.fixture(scope="session")
def edition_2023_data() -> dict:
    return json.loads((EDITIONS_DIR / "2023.json").read_text(encoding="utf-8"))


@pytest.fixture
def now() -> dt.datetime:
    return NOW


@pytest.fixture
def edition_2023(db, edition_2023_data):
    """The 2023 edition as written in the invitation (dates of 2023)."""
    return edition_load(data=edition_2023_data, now=NOW).edition


@pytest.fixture
def upcoming_edition(db, edition_2023_data):
    """The 2023 program moved to the next 29–30 November, registration open (as `make run` loads it)."""
    return edition_load(data=edition_2023_data, upcoming=True, now=timezone.now()).edition


@pytest.fixture
def edition(upcoming_edition):
    """The edition most tests sign people up for: open now, whatever today's date is."""
    return upcoming_edition


@pytest.fixture
def visit(edition):
    """A study visit, 20 seats."""
    return ProgramItem.objects.get(edition=edition, slug="wizyta-kozlowka")


@pytest.fixture
def other_visit(edition):
    """At the same time as `visit`: the two clash."""
    return ProgramItem.objects.get(edition=edition, slug="wizyta-skawina")


@pytest.fixture
def evening(edition):
    """The evening networking meeting, 80 seats."""
    return ProgramItem.objects.get(edition=edition, slug="wieczorne-spotkanie-sieciowanie")


@pytest.fixture
def venue(edition):
    """The edition with a venue and its address (the files of 2023 name none)."""
    edition.venue_name = "Centrum Kongresowe ICE"
    edition.venue_address = "ul. Marii Konopnickiej 17"
    edition.save()
    return edition


@pytest.fixture
def first_day(edition):
    return edition.days.order_by("date").first()


@pytest.fixture
def second_day(edition):
    return edition.days.order_by("date").last()


# A past edition, for what comes after one (certificates, the survey): the 2023 one, as written.


@pytest.fixture
def past(edition_2023):
    return edition_2023


@pytest.fixture
def visit_2023(past):
    """A study visit on the first day, 14:00–17:00."""
    return ProgramItem.objects.get(edition=past, slug="wizyta-kozlowka")


@pytest.fixture
def evening_2023(past):
    """The evening networking meeting on the first day, 18:30, with the edition's longest title."""
    return ProgramItem.objects.get(edition=past, slug="wieczorne-spotkanie-sieciowanie")


@pytest.fixture
def days_2023(past):
    return list(past.days.order_by("date"))


# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the tests
# themselves (loading data) are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists() or os.environ.get("CI"):
        return  # in CI a missing browser must fail, not skip
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: apt-get install chromium (make test does it as root)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A visitor from Poland: the site answers in Polish.
    return {**browser_context_args, "locale": "pl-PL", "timezone_id": "Europe/Warsaw"}
