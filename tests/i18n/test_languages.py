"""The attendee's language follows them into every e-mail, and organiser-entered content is shown
in English where the organisers wrote it, in Polish where they did not."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from program.models import ConferenceDay, ProgramItem
from registration.models import Registration
from tests.factories import send_queued_mail

pytestmark = pytest.mark.django_db


def sign_up_in(client, language: str) -> Registration:
    client.cookies["django_language"] = language
    page = client.get(reverse("registration:register")).content.decode()
    response = client.post(
        reverse("registration:register"),
        {
            "first_name": "Łucja",
            "last_name": "Wąsowska",
            "email": f"lucja-{language}@example.com",
            "town": "Nowy Sącz",
            "voivodeship": "lesser_poland",
            "accept_terms": "on",
            "submission_key": re.search(r'name="submission_key" value="([^"]+)"', page).group(1),
            "days": [ConferenceDay.objects.order_by("date").first().pk],
        },
    )
    assert response.status_code == 302
    return Registration.objects.get(email=f"lucja-{language}@example.com")


def test_english_sign_up_gets_an_english_email(client, upcoming_edition):
    registration = sign_up_in(client, "en")
    # The worker runs in no particular language: the mail must take the attendee's, not this one.
    with translation.override("pl"):
        assert send_queued_mail() == 1

    message = mail.outbox[0]
    assert registration.language == "en"
    assert message.subject == "Your registration for MIEJSCA OTWARTE is confirmed"
    assert message.body.startswith("Hello Łucja,\n\nthank you for registering for the conference")
    assert "See you at the conference!" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="en">' in html
    assert "Manage your registration" in html
    assert message.attachments[0][0] == f"e-ticket-{upcoming_edition.number}.pdf"


def test_polish_sign_up_gets_a_polish_email(client, upcoming_edition):
    registration = sign_up_in(client, "pl")
    with translation.override("en"):
        assert send_queued_mail() == 1

    message = mail.outbox[0]
    assert registration.language == "pl"
    assert message.subject == "Potwierdzenie rejestracji na konferencję MIEJSCA OTWARTE"
    assert message.body.startswith("Dzień dobry, Łucja,\n\nDziękujemy za rejestrację na konferencję")
    assert "Do zobaczenia na konferencji!" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="pl">' in html
    assert "Zarządzaj swoją rejestracją" in html
    assert message.attachments[0][0] == f"e-bilet-{upcoming_edition.number}.pdf"


def item_page(client, item: ProgramItem, language: str) -> str:
    client.cookies["django_language"] = language
    return client.get(reverse("program:item", kwargs={"slug": item.slug})).content.decode()


def test_organiser_content_falls_back_to_polish_where_english_is_empty(client, upcoming_edition):
    # As in an edition the organisers enter without English: the shipped one has it all.
    item = ProgramItem.objects.get(edition=upcoming_edition, slug="wizyta-swietlica-debniki")
    item.title_en = ""
    item.save()

    english = item_page(client, item, "en")

    assert '<html lang="en">' in english
    assert "<h1>Wizyta studyjna: Świetlica Dębniki</h1>" in english


def test_organiser_content_is_shown_in_english_where_it_was_entered(client, upcoming_edition):
    item = ProgramItem.objects.get(edition=upcoming_edition, slug="wizyta-swietlica-debniki")
    item.title_en = "Study visit: Dębniki community room"
    item.save()

    english = item_page(client, item, "en")
    polish = item_page(client, item, "pl")

    assert "<h1>Study visit: Dębniki community room</h1>" in english
    assert "<h1>Wizyta studyjna: Świetlica Dębniki</h1>" in polish
    assert "Study visit: Dębniki community room" not in polish
