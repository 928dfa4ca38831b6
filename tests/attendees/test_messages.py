"""The organisers' messages on the attendee's management page and in their data."""

import pytest
from django.urls import reverse

from messaging.models import Message
from messaging.services import message_send
from registration import services
from tests.factories import sign_up

pytestmark = pytest.mark.django_db


def send(edition, audience=Message.Audience.EVERYONE, **kwargs) -> Message:
    texts = {
        "subject_pl": "Zmiana sali",
        "subject_en": "A new room",
        "body_pl": "Spotykamy się w sali 2.\nProsimy o <punktualność>.",
        "body_en": "We meet in room 2.\nPlease be <on time>.",
    }
    return message_send(edition=edition, audience=audience, sent_by=None, **{**texts, **kwargs})


@pytest.fixture
def people(edition, visit):
    services.item_set_capacity(item=visit, capacity=1)
    return sign_up(edition, [visit], last_name="Adamska"), sign_up(edition, [visit], last_name="Bielski")


def section(page: str) -> str:
    start = page.index('data-testid="organisers-messages"')
    return page[start : page.index("</section>", start)]


def test_the_page_lists_the_persons_messages_newest_first_in_the_pages_language(
    client, edition, visit, people
):
    seated, waiting = people
    send(edition, subject_en="First", subject_pl="Pierwsza")
    send(
        edition,
        Message.Audience.WAITING,
        item=visit,
        subject_en="Only for the waiting",
        subject_pl="Lista rezerwowa",
    )
    send(edition, Message.Audience.SEATED, item=visit)

    client.cookies["django_language"] = "en"
    english = section(client.get(seated.get_manage_url()).content.decode())
    assert "Messages from the organisers" in english
    assert english.index("A new room") < english.index("First")
    assert "Only for the waiting" not in english
    assert "We meet in room 2.<br>Please be &lt;on time&gt;." in english

    client.cookies["django_language"] = "pl"
    polish = section(client.get(seated.get_manage_url()).content.decode())
    assert polish.index("Zmiana sali") < polish.index("Pierwsza")
    assert "Spotykamy się w sali 2.<br>Prosimy o &lt;punktualność&gt;." in polish

    assert "Lista rezerwowa" not in polish
    waiting_page = section(client.get(waiting.get_manage_url()).content.decode())
    assert "Lista rezerwowa" in waiting_page and "Zmiana sali" not in waiting_page


def test_no_section_without_messages(client, edition, people):
    assert 'data-testid="organisers-messages"' not in client.get(people[0].get_manage_url()).content.decode()


def test_the_persons_data_holds_their_messages(client, edition, people):
    send(edition)
    client.cookies["django_language"] = "en"
    registration = people[0]
    url = reverse(
        "registration:data", kwargs={"public_id": registration.public_id, "token": registration.manage_token}
    )
    messages = client.get(url).json()["messages_from_the_organisers"]
    assert [(m["subject"], m["body"]) for m in messages] == [
        ("A new room", "We meet in room 2.\nPlease be <on time>.")
    ]
