"""The admin's "Cancel the selected registrations" (issue #15): it asks for the reason, records it,
tells the person in their language, and the next person waiting gets the seat."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from attendees.emails import mail_message
from outbox.models import OutgoingMail
from program.models import Edition
from registration import services
from registration.models import Booking, Registration
from tests.factories import sign_up

from .test_admin import full, texts

CHANGELIST = "admin:registration_registration_changelist"
REASON = "Prosiła o to telefonicznie / asked by phone"


def cancel(client, *people, **fields):
    data = {"action": "cancel", "_selected_action": [person.pk for person in people], **fields}
    return client.post(reverse(CHANGELIST), data)


@pytest.mark.django_db
class TestCancelWithReason:
    def test_asks_for_the_reason_first(self, organiser_client, edition, visit):
        (first, _second), _ = full(visit, edition)
        response = cancel(organiser_client, first)
        assert response.status_code == 200
        assert response.templates[0].name == "admin/registration/registration/action_form.html"
        assert "reason" in response.context["form"].fields
        assert list(response.context["queryset"]) == [first]
        first.refresh_from_db()
        assert first.status == Registration.Status.ACTIVE

    def test_records_the_reason_and_promotes_the_next_person_waiting(self, organiser_client, edition, visit):
        (first, _second), (waiting,) = full(visit, edition, waiting=1)
        response = cancel(organiser_client, first, apply="1", reason=f"  {REASON} ")
        assert response.status_code == 302
        assert texts(response) == ["1 registration cancelled; freed seats went to the next people waiting."]
        first.refresh_from_db()
        assert (first.status, first.cancellation_reason) == (Registration.Status.CANCELLED, REASON)
        assert first.history.latest().cancellation_reason == REASON
        assert waiting.bookings.get().status == Booking.Status.CONFIRMED
        assert waiting.mails.filter(kind=OutgoingMail.Kind.PROMOTION).count() == 1
        assert first.mails.filter(kind=OutgoingMail.Kind.CANCELLED).count() == 1
        visit.refresh_from_db()
        assert (visit.seats_taken, visit.waitlist_length) == (2, 0)

    def test_the_reason_is_optional(self, organiser_client, edition):
        person = sign_up(edition)
        assert cancel(organiser_client, person, apply="1", reason="").status_code == 302
        person.refresh_from_db()
        assert (person.status, person.cancellation_reason) == (Registration.Status.CANCELLED, "")

    def test_organisers_cancel_after_the_deadline_for_changes(self, organiser_client, edition):
        person = sign_up(edition)
        Edition.objects.filter(pk=edition.pk).update(
            changes_close_at=timezone.now() - dt.timedelta(minutes=1)
        )
        cancel(organiser_client, person, apply="1", reason=REASON)
        person.refresh_from_db()
        assert person.status == Registration.Status.CANCELLED

    def test_the_admin_shows_the_reason_read_only(self, organiser_client, edition):
        person = sign_up(edition)
        cancel(organiser_client, person, apply="1", reason=REASON)
        page = organiser_client.get(reverse("admin:registration_registration_change", args=[person.pk]))
        assert page.status_code == 200
        assert REASON in page.content.decode()
        assert 'name="cancellation_reason"' not in page.content.decode()

    @pytest.mark.parametrize(
        ("language", "opening", "subject"),
        [
            ("en", "the organisers have cancelled your registration. Reason: ", "has been cancelled"),
            ("pl", "", "została anulowana"),
        ],
    )
    def test_the_mail_carries_the_reason(self, organiser_client, edition, language, opening, subject):
        person = sign_up(edition)
        Registration.objects.filter(pk=person.pk).update(language=language)
        cancel(organiser_client, person, apply="1", reason=REASON)
        message = mail_message(person.mails.get(kind=OutgoingMail.Kind.CANCELLED))
        # The reason in the language's quotes, ended with a full stop before the next sentence.
        assert opening in message.body and f"{REASON}”." in message.body
        assert REASON in message.alternatives[0][0]
        assert subject in message.subject

    def test_without_a_reason_the_mail_is_as_before(self, organiser_client, edition):
        person = sign_up(edition)
        Registration.objects.filter(pk=person.pk).update(language="en")
        cancel(organiser_client, person, apply="1", reason="")
        message = mail_message(person.mails.get(kind=OutgoingMail.Kind.CANCELLED))
        assert "your registration has been cancelled and your seats" in message.body
        assert "Reason:" not in message.body

    def test_anonymisation_erases_the_reason(self, organiser_client, edition):
        person = sign_up(edition)
        cancel(organiser_client, person, apply="1", reason=REASON)
        services.registration_anonymise(registration=person)
        person.refresh_from_db()
        assert person.cancellation_reason == ""
        assert not person.history.filter(cancellation_reason=REASON).exists()
