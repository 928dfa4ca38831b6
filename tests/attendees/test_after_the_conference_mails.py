"""The mails after the conference, through the outbox as every mail: the certificate (a PDF in the
person's language) and the invitation to the survey, in Polish and in English."""

import io

import pytest
from pypdf import PdfReader

from aftercare import services
from outbox.models import OutgoingMail
from tests.factories import attended, send_queued_mail

pytestmark = pytest.mark.django_db


def the_mail(mailoutbox):
    assert send_queued_mail() == 1
    [message] = mailoutbox
    return message, message.alternatives[0][0]


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.parametrize(
    ("language", "subject", "opening", "thanks", "filename", "certificate"),
    [
        (
            "pl",
            "Zaświadczenie o uczestnictwie: MIEJSCA OTWARTE",
            "dziękujemy za udział w konferencji MIEJSCA OTWARTE. W załączniku (PDF) przesyłamy zaświadczenie",
            "Dziękujemy, że byłaś lub byłeś z nami!",
            "zaswiadczenie-o-uczestnictwie-7.pdf",
            "Zaświadczenie o uczestnictwie",
        ),
        (
            "en",
            "Your certificate of attendance: MIEJSCA OTWARTE",
            "thank you for taking part in MIEJSCA OTWARTE. Your certificate of attendance is attached",
            "Thank you for coming!",
            "certificate-of-attendance-7.pdf",
            "Certificate of attendance",
        ),
    ],
)
def test_certificate_mail(
    mailoutbox, past, visit_2023, language, subject, opening, thanks, filename, certificate
):
    person = attended(past, [visit_2023], first_name="Łucja", last_name="Wąsowska", language=language)
    services.certificate_send(registration=person)
    message, html = the_mail(mailoutbox)
    assert message.subject == subject
    assert message.to == [person.email]
    for text in (message.body, html):
        assert opening in text
        assert thanks in text
        assert person.get_absolute_manage_url() in text
        # after the conference: no program, no ticket, no "see you"
        assert visit_2023.title not in text
        assert person.ticket_code[:4] not in text
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (filename, "application/pdf")
    text = pdf_text(content)
    assert certificate in text
    assert "Łucja Wąsowska" in text
    assert getattr(visit_2023, f"title_{language}") in text
    assert OutgoingMail.objects.get().state == OutgoingMail.State.SENT


@pytest.mark.parametrize(
    ("language", "subject", "opening", "button"),
    [
        (
            "pl",
            "Jak było na konferencji MIEJSCA OTWARTE? Powiedz nam w dwie minuty",
            "dziękujemy, że byłaś lub byłeś z nami na konferencji MIEJSCA OTWARTE. Powiedz nam, jak było",
            "Wypełnij ankietę",
        ),
        (
            "en",
            "How was MIEJSCA OTWARTE? Tell us in two minutes",
            "thank you for coming to MIEJSCA OTWARTE. Tell us how it was",
            "Answer the survey",
        ),
    ],
)
def test_invitation_to_the_survey(mailoutbox, past, language, subject, opening, button):
    person = attended(past, language=language)
    services.feedback_invite(registrations=[person])
    message, html = the_mail(mailoutbox)
    survey_url = person.get_absolute_manage_url() + "feedback/"
    assert message.subject == subject
    assert f"{button}:\n{survey_url}" in message.body
    assert f'<a href="{survey_url}"' in html and button in html
    for text in (message.body, html):
        assert opening in text
    assert message.attachments == []
