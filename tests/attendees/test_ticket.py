"""The e-ticket's PDF as the attendee downloads it and gets it by e-mail: with their catering."""

import pytest
from django.urls import reverse
from django.utils import translation

from attendees.emails import mail_message
from catering.services import CateringRequest, ClaimRequest
from outbox.models import OutgoingMail
from tests.factories import sign_up, sign_up_for_catering
from tests.pdf_layout import flat, opened

pytestmark = pytest.mark.django_db


def ticket_text(client, registration) -> str:
    client.cookies["django_language"] = "en"
    response = client.get(
        reverse(
            "registration:ticket_pdf",
            kwargs={"public_id": registration.public_id, "token": registration.manage_token},
        )
    )
    assert response["Content-Type"] == "application/pdf"
    with opened(response.content) as pdf:
        return flat(" ".join(page.extract_text() for page in pdf.pages))


def test_paid_catering_with_its_day_status_and_diet(client, edition):
    registration = sign_up_for_catering(edition, CateringRequest(diet="vegan"))
    assert "Catering on 30 November: Awaiting payment, diet: Vegan" in ticket_text(client, registration)


def test_a_free_ticket_claim_and_its_meal(client, edition):
    registration = sign_up_for_catering(
        edition, CateringRequest(claim=ClaimRequest(basis="resident", town="Wieliczka"))
    )
    text = ticket_text(client, registration)
    assert "Free ticket for Małopolska: Awaiting verification" in text
    assert "Catering on 30 November: Free (Małopolska ticket), diet: Standard" in text


def test_no_catering_ordered(client, edition):
    assert "You have not ordered the catering." in ticket_text(client, sign_up_for_catering(edition))


def test_the_mailed_ticket_says_the_same_in_the_persons_language(edition):
    registration = sign_up_for_catering(edition, CateringRequest(diet="vegan"))
    message = mail_message(registration.mails.get(kind=OutgoingMail.Kind.CONFIRMATION))
    (pdf,) = [content for _name, content, mimetype in message.attachments if mimetype == "application/pdf"]
    with translation.override("pl"):
        expected = "Catering w dniu 30 listopada: " + ", ".join(
            [registration.catering_orders.get().get_status_display(), "dieta: Wegańska"]
        )
    with opened(pdf) as document:
        assert expected in flat(document.pages[0].extract_text())


def test_an_edition_without_catering_prints_no_catering_section(client, edition):
    edition.catering.delete()
    assert "Catering" not in ticket_text(client, sign_up(edition))
