import datetime as dt
import itertools
import json
from unittest import mock

import pytest
from django.utils import timezone, translation

from attendees.services import sign_up
from backoffice.editions import edition_load
from catering.models import CateringOffer
from catering.services import CateringRequest, ClaimRequest
from program.services import EDITIONS_DIR
from registration import services

# A fixed "now" inside the demo's registration window: the 2030 edition starts on 29 November.
NOW = timezone.make_aware(dt.datetime(2030, 11, 1, 12, 0))
_emails = itertools.count(1)


def load_edition():
    data = json.loads((EDITIONS_DIR / "2023.json").read_text(encoding="utf-8"))
    return edition_load(data=data, upcoming=True, now=NOW).edition


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English wording (the Polish catalogue is checked by tests/i18n)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def edition(db):
    return load_edition()


@pytest.fixture
def offer(edition) -> CateringOffer:
    return CateringOffer.objects.get(edition=edition)


def set_limits(offer: CateringOffer, **limits) -> CateringOffer:
    CateringOffer.objects.filter(pk=offer.pk).update(**limits)
    offer.refresh_from_db()
    return offer


def person(**overrides) -> services.Person:
    values = {
        "first_name": "Zofia",
        "last_name": "Żółkiewska",
        "email": f"person{next(_emails)}@example.com",
        "town": "Kraków",
        "voivodeship": "lesser_poland",
    }
    values.update(overrides)
    return services.Person(**values)


def paid(**values) -> CateringRequest:
    return CateringRequest(**values)


def free(fallback_paid=False, **values) -> CateringRequest:
    claim = ClaimRequest(basis="resident", town="Wieliczka", fallback_paid=fallback_paid)
    return CateringRequest(claim=claim, **values)


def register(edition, catering_request=None, *, days=None, now=NOW, **overrides):
    return sign_up(
        edition=edition,
        person=person(**overrides),
        days=days if days is not None else list(edition.days.all()),
        items=[],
        consents={"terms": True, "privacy": True},
        catering_request=catering_request,
        now=now,
    )


@pytest.fixture
def frozen_now():
    """Pages read the clock themselves: stop it at NOW so the demo's registration is open."""
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield NOW
