import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation

from backoffice.roles import ORGANISERS, STAFF, roles_setup

POLISH = "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ"


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the admin's English labels (organisers may work in either language;
    the Polish catalogue is checked as a whole by tests/i18n)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


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
