"""A past edition for what comes after it: the 2023 one (tests/conftest.py), and its items."""

import pytest

from program.models import ProgramItem


@pytest.fixture
def past(edition_2023):
    return edition_2023


@pytest.fixture
def visit_2023(past):
    """A study visit on the first day, 14:00."""
    return ProgramItem.objects.get(edition=past, slug="wizyta-kozlowka")


@pytest.fixture
def evening_2023(past):
    """The evening networking meeting on the first day, 18:30."""
    return ProgramItem.objects.get(edition=past, slug="wieczorne-spotkanie-sieciowanie")


@pytest.fixture
def days_2023(past):
    return list(past.days.order_by("date"))
