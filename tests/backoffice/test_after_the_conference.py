"""After the conference in the back office: the admin actions that mail certificates and invite to
the survey, the certificates for printing, the survey's results on the dashboard and their export."""

import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from pypdf import PdfReader

from aftercare import services
from aftercare.models import FeedbackRequest
from backoffice.dashboard import dashboard
from outbox.models import OutgoingMail
from registration import services as registration_services
from registration.models import Registration
from tests.factories import attended, sign_up

from .test_admin import CHANGELIST, texts
from .test_exports import csv_rows, xlsx_sheets

pytestmark = pytest.mark.django_db


@pytest.fixture
def selection(past):
    """Someone who came, someone who did not, and someone cancelled."""
    came = attended(past, first_name="Zofia", last_name="Przyszła")
    absent = attended(past, first_name="Jan", last_name="Nieobecny", checked_in=[])
    cancelled = attended(past, first_name="Ewa", last_name="Wycofana")
    registration_services.registration_cancel(registration=cancelled, by_organiser=True)
    return came, absent, cancelled


SKIPPED_TWO = (
    "2 people were skipped: not checked in at the conference, cancelled, or the edition is not over yet."
)


def run(client, action: str, people) -> list[str]:
    response = client.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [p.pk for p in people]}, follow=True
    )
    assert response.status_code == 200
    return texts(response)


class TestActions:
    def test_certificates_to_the_people_checked_in_others_skipped_with_a_count(
        self, organiser_client, organiser, selection
    ):
        came = selection[0]
        assert run(organiser_client, "send_certificates", selection) == [
            "Certificate of attendance queued for 1 person.",
            SKIPPED_TWO,
        ]
        mails = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CERTIFICATE)
        assert list(mails.values_list("registration", flat=True)) == [came.pk]
        entry = LogEntry.objects.get(object_id=str(came.pk))
        assert (entry.user, entry.change_message) == (
            organiser,
            "Certificate of attendance sent (admin action).",
        )

        assert run(organiser_client, "send_certificates", selection) == [
            "Certificates of attendance queued for 0 people.",
            "1 person already had one and was skipped.",
            SKIPPED_TWO,
        ]
        assert mails.count() == 1

    def test_invitations_once_with_the_organiser_in_the_audit_trail(
        self, organiser_client, organiser, selection
    ):
        came, *_others = selection
        assert run(organiser_client, "invite_to_feedback", selection)[0] == (
            "Invitation to the survey queued for 1 person."
        )
        request = FeedbackRequest.objects.get()
        assert (request.registration, request.history.first().history_user) == (came, organiser)
        assert LogEntry.objects.get(object_id=str(came.pk)).change_message == (
            "Invited to the feedback survey (admin action)."
        )
        assert run(organiser_client, "invite_to_feedback", [came]) == [
            "Invitations to the survey queued for 0 people.",
            "1 person had been invited already and was skipped.",
        ]
        assert OutgoingMail.objects.filter(kind=OutgoingMail.Kind.FEEDBACK_INVITATION).count() == 1

    def test_before_the_edition_is_over_nothing_is_sent(self, organiser_client, edition):
        person = sign_up(edition)
        assert run(organiser_client, "send_certificates", [person])[-1] == (
            "1 person was skipped: not checked in at the conference, cancelled, or the edition is not over "
            "yet."
        )
        assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CERTIFICATE).exists()

    def test_in_the_organisers_language(self, organiser_client, selection):
        organiser_client.cookies["django_language"] = "pl"
        assert run(organiser_client, "send_certificates", selection) == [
            "Wysyłamy zaświadczenie o uczestnictwie do 1 osoby.",
            "2 osoby zostały pominięte: ich obecności na konferencji nie potwierdzono, ich rejestracje "
            "anulowano albo edycja jeszcze się nie skończyła.",
        ]

    def test_staff_cannot_send(self, staff_client, selection):
        staff_client.post(
            reverse(CHANGELIST), {"action": "send_certificates", "_selected_action": [selection[0].pk]}
        )
        assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CERTIFICATE).exists()


class TestCertificatesForPrinting:
    def url(self, edition) -> str:
        return f"{reverse('staff:certificates')}?edition={edition.pk}"

    def test_a_page_per_person_checked_in(self, staff_client, selection, past):
        response = staff_client.get(self.url(past))
        assert response["Content-Type"] == "application/pdf"
        [page] = PdfReader(io.BytesIO(response.content)).pages
        assert "Zofia Przyszła" in " ".join(page.extract_text().split())

    def test_not_before_the_edition_is_over(self, organiser_client, edition):
        sign_up(edition)
        response = organiser_client.get(self.url(edition), follow=True)
        assert response.redirect_chain == [(f"{reverse('admin_dashboard')}?edition={edition.pk}", 302)]
        assert texts(response) == [
            "The certificates of attendance are printed once the edition is over (after "
            f"{edition.ends_on:%d.%m.%Y})."
        ]

    def test_nobody_checked_in_the_door_is_told_on_its_page(self, staff_client, past):
        attended(past, checked_in=[])
        response = staff_client.get(self.url(past), follow=True)
        assert response.redirect_chain == [(reverse("staff:checkin"), 302)]
        assert "Nobody was checked in at this edition: there is no certificate to print." in (
            response.content.decode()
        )

    def test_only_for_those_who_print_lists(self, client, past):
        assert client.get(self.url(past)).status_code == 302  # to the login page


@pytest.fixture
def answers(past, visit_2023, days_2023):
    first = days_2023[0]
    people = [
        attended(past, [visit_2023], first_name="Anna", last_name="Tajna"),
        attended(past, [visit_2023], first_name="Piotr", last_name="Skryty"),
        attended(past, [visit_2023], first_name="Ola", last_name="Ukryta"),
    ]
    for person, (day, item, comment) in zip(
        people,
        [(5, 4, "Świetne wizyty; dziękujemy"), (3, 2, '=HYPERLINK("http://x")'), (4, None, "")],
        strict=True,
    ):
        services.feedback_invite(registrations=[person])
        services.feedback_submit(
            registration=person,
            day_ratings={first.pk: day},
            item_ratings={visit_2023.pk: item} if item else {},
            comment=comment,
        )
    return people


class TestResults:
    def test_on_the_dashboard(self, organiser_client, answers, past, visit_2023, days_2023):
        board = dashboard(past)
        assert (board.feedback.invited, board.feedback.answered) == (3, 3)
        page = organiser_client.get(reverse("admin_dashboard"), {"edition": past.pk}).content.decode()
        first, second = days_2023
        row = re.search(rf'data-rated="day-{first.pk}">(.*?)</tr>', page, re.S).group(1)
        assert re.findall(r"<td>(.*?)</td>", row)[1:] == ["3", "4.00"]
        row = re.search(rf'data-rated="item-{visit_2023.pk}">(.*?)</tr>', page, re.S).group(1)
        assert re.findall(r"<td>(.*?)</td>", row)[1:] == ["2", "3.00"]
        row = re.search(rf'data-rated="day-{second.pk}">(.*?)</tr>', page, re.S).group(1)
        assert re.findall(r"<td>(.*?)</td>", row)[1:] == ["0", "—"]
        assert reverse("staff:certificates") in page
        assert reverse("staff:feedback_export") in page

    def test_not_before_the_edition_is_over(self, organiser_client, edition):
        assert dashboard(edition).feedback is None
        assert 'data-section="after"' not in organiser_client.get(reverse("admin_dashboard")).content.decode()

    def test_export_is_anonymous(self, organiser_client, answers, past, visit_2023, days_2023):
        response = organiser_client.get(reverse("staff:feedback_export"), {"edition": past.pk})
        sheets = xlsx_sheets(response)
        first, second = days_2023
        assert sheets["Ratings"] == [
            ("Day or program item", "Ratings", "Average", "1", "2", "3", "4", "5"),
            (str(first), 3, 4, 0, 0, 1, 1, 1),
            (str(second), 0, None, 0, 0, 0, 0, 0),
            (f"29.11.2023 14:00 {visit_2023.title}", 2, 3, 0, 1, 0, 1, 0),
        ]
        assert sorted(sheets["Comments"][1:]) == [
            ('\'=HYPERLINK("http://x")',),
            ("Świetne wizyty; dziękujemy",),
        ]
        everything = repr(sheets)
        for person in answers:
            for personal in (person.email, person.last_name, person.ticket_code):
                assert personal not in everything

    def test_csv_parts(self, organiser_client, answers, past):
        comments = organiser_client.get(
            reverse("staff:feedback_csv", args=["comments"]), {"edition": past.pk}
        )
        rows = csv_rows(comments)
        assert rows[0] == ["Comment"]
        assert sorted(rows[1:]) == [['\'=HYPERLINK("http://x")'], ["Świetne wizyty; dziękujemy"]]
        ratings = organiser_client.get(reverse("staff:feedback_csv", args=["ratings"]), {"edition": past.pk})
        assert csv_rows(ratings)[1][1:3] == ["3", "4.0"]
        assert organiser_client.get(reverse("staff:feedback_csv", args=["people"])).status_code == 404

    def test_only_for_organisers(self, staff_client, past):
        assert staff_client.get(reverse("staff:feedback_export"), {"edition": past.pk}).status_code == 403


def test_an_anonymised_person_keeps_no_name_in_the_results(past, answers):
    registration_services.registration_anonymise(registration=answers[0])
    assert Registration.objects.get(pk=answers[0].pk).first_name == ""
    assert dashboard(past).feedback.answered == 3
