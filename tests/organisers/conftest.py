import itertools
import json

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import translation

from program.models import ProgramItem
from program.services import EDITIONS_DIR, edition_load
from registration import services
from registration.roles import ORGANISERS, STAFF, roles_setup

_emails = itertools.count(1)

ALL_CONSENTS = {"terms": True, "privacy": True, "image": False, "newsletter": False}
POLISH = "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ"


@pytest.fixture(autouse=True)
def _clear_cache():
    # program.selectors.current_edition caches the edition across tests otherwise.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the admin's English labels (organisers may work in either language;
    the Polish catalogue is checked as a whole by tests/i18n)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def edition(db):
    data = json.loads((EDITIONS_DIR / "2023.json").read_text(encoding="utf-8"))
    return edition_load(data=data, upcoming=True)


@pytest.fixture
def visit(edition):
    return ProgramItem.objects.get(edition=edition, slug="wizyta-kozlowka")


@pytest.fixture
def evening(edition):
    return ProgramItem.objects.get(edition=edition, slug="wieczorne-spotkanie-sieciowanie")


@pytest.fixture
def first_day(edition):
    return edition.days.order_by("date").first()


@pytest.fixture
def second_day(edition):
    return edition.days.order_by("date").last()


def sign_up(edition, items=(), days=None, **fields):
    values = {
        "first_name": "Zofia",
        "last_name": "Żółkiewska",
        "email": f"person{next(_emails)}@example.com",
        "town": "Kraków",
        "voivodeship": "lesser_poland",
        "organisation_name": "Stowarzyszenie Sąsiedzi",
        "organisation_type": "ngo",
    }
    values.update(fields)
    return services.registration_create(
        edition=edition,
        person=services.Person(**values),
        day_ids=[day.pk for day in days] if days is not None else [edition.days.order_by("date").first().pk],
        item_ids=[item.pk for item in items],
        consents=ALL_CONSENTS,
    )


@pytest.fixture
def roles(db):
    return roles_setup()


def _member(username: str, group_name: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.com", "secret-pass", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def organiser(roles):
    return _member("organiser", ORGANISERS)


@pytest.fixture
def staff(roles):
    return _member("staff", STAFF)


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
