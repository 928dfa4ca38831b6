import itertools
import json

import pytest

from program.models import ProgramItem
from program.services import EDITIONS_DIR, edition_load
from registration import services
from registration.mail import send_outgoing_mail
from registration.models import OutgoingMail

_emails = itertools.count(1)


@pytest.fixture
def edition(db):
    data = json.loads((EDITIONS_DIR / "2023.json").read_text(encoding="utf-8"))
    # Moved to the next 29–30 November with registration open now, whatever today's date is.
    return edition_load(data=data, upcoming=True)


@pytest.fixture
def visit(edition):
    return ProgramItem.objects.get(edition=edition, slug="wizyta-kozlowka")


@pytest.fixture
def other_visit(edition):
    """Same time as `visit`: the two clash."""
    return ProgramItem.objects.get(edition=edition, slug="wizyta-skawina")


@pytest.fixture
def evening(edition):
    return ProgramItem.objects.get(edition=edition, slug="wieczorne-spotkanie-sieciowanie")


def person(**overrides) -> services.Person:
    values = {
        "first_name": "Zofia",
        "last_name": "Żółkiewska",
        "email": f"person{next(_emails)}@example.com",
        "town": "Kraków",
        "voivodeship": "lesser_poland",
        "organisation_name": "Stowarzyszenie Sąsiedzi",
        "organisation_type": "ngo",
    }
    values.update(overrides)
    return services.Person(**values)


ALL_CONSENTS = {"terms": True, "privacy": True, "image": False, "newsletter": False}


def sign_up(edition, items=(), now=None, **person_fields):
    return services.registration_create(
        edition=edition,
        person=person(**person_fields),
        day_ids=[edition.days.first().pk],
        item_ids=[item.pk for item in items],
        consents=ALL_CONSENTS,
        now=now,
    )


def send_queued_mail() -> int:
    """Run the mail task for every queued mail, as the worker would. Returns how many were sent."""
    sent = 0
    for mail_id in OutgoingMail.objects.filter(state=OutgoingMail.State.QUEUED).values_list("pk", flat=True):
        sent += send_outgoing_mail.call(mail_id) == "sent"
    return sent
