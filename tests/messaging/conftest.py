import pytest
from django.contrib.auth.models import User
from django.utils import timezone, translation

from backoffice.editions import edition_load
from messaging.models import Message
from messaging.services import message_send


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English wording (the Polish catalogue is checked by tests/i18n)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


TEXTS = {
    "subject_pl": "Zmiana sali",
    "subject_en": "A new room",
    "body_pl": "Spotykamy się w sali 2.\nProsimy o punktualność.",
    "body_en": "We meet in room 2.\nPlease be on time.",
}


@pytest.fixture
def organiser_user(db):
    return User.objects.create_user("writer", "writer@example.com", "secret-pass", is_staff=True)


@pytest.fixture
def send(edition, organiser_user):
    """message_send with the usual texts and sender; keywords override them."""

    def send(audience=Message.Audience.EVERYONE, **overrides) -> Message:
        arguments = {"edition": edition, "audience": audience, "sent_by": organiser_user, **TEXTS}
        return message_send(**{**arguments, **overrides})

    return send


@pytest.fixture
def other_edition(edition, edition_2023_data):
    """Another edition, open too, beside the current one."""
    data = {**edition_2023_data, "edition": {**edition_2023_data["edition"], "number": 8}}
    return edition_load(data=data, make_current=False, upcoming=True, now=timezone.now()).edition
