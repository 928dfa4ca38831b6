"""The edition's deadline for changes (issue #15): after `Edition.changes_close_at` attendees no
longer change their items or days, leave a waiting list or cancel online; organisers still do,
and a person may still have their data deleted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from program.models import Edition
from registration import services
from registration.errors import RegistrationError
from registration.models import Booking, Registration
from tests.factories import sign_up

CONTACT = "biuro@example.org"


@pytest.fixture
def deadline(edition):
    """A deadline a day from now, with the edition's contact e-mail set."""
    at = timezone.now() + dt.timedelta(days=1)
    Edition.objects.filter(pk=edition.pk).update(changes_close_at=at, contact_email=CONTACT)
    edition.refresh_from_db()
    return at


@pytest.fixture
def closed(edition):
    """The deadline has passed a minute ago."""
    Edition.objects.filter(pk=edition.pk).update(
        changes_close_at=timezone.now() - dt.timedelta(minutes=1), contact_email=CONTACT
    )
    edition.refresh_from_db()
    return edition


def after(deadline):
    return deadline + dt.timedelta(minutes=1)


@pytest.mark.django_db
class TestTheService:
    def test_before_the_deadline_the_person_changes_and_cancels(self, edition, deadline, visit, evening):
        person = sign_up(edition, [visit])
        before = deadline - dt.timedelta(minutes=1)
        services.registration_change_items(registration=person, item_ids=[evening.pk], now=before)
        assert list(person.bookings.values_list("item_id", flat=True)) == [evening.pk]
        services.registration_cancel(registration=person, now=before)
        person.refresh_from_db()
        assert person.status == Registration.Status.CANCELLED

    def test_after_the_deadline_changes_are_refused_with_the_contact(self, edition, deadline, visit):
        person = sign_up(edition, [visit])
        with pytest.raises(RegistrationError) as error:
            services.registration_change_items(registration=person, item_ids=[], now=after(deadline))
        assert error.value.code == "changes_closed"
        with translation.override("en"):
            assert error.value.message == (
                f"Changes are closed for this edition: write to the organisers ({CONTACT})."
            )
        assert person.bookings.get().item == visit

    def test_after_the_deadline_days_and_waiting_lists_stay(self, edition, deadline, visit, second_day):
        visit.capacity = 1
        visit.save()
        sign_up(edition, [visit])
        waiting = sign_up(edition, [visit])
        with pytest.raises(RegistrationError, match="changes_closed"):
            services.registration_change_items(
                registration=waiting, item_ids=[visit.pk], day_ids=[second_day.pk], now=after(deadline)
            )
        with pytest.raises(RegistrationError, match="changes_closed"):
            services.registration_change_items(registration=waiting, item_ids=[], now=after(deadline))
        booking = waiting.bookings.get()
        assert (booking.status, booking.waitlist_position) == (Booking.Status.WAITLISTED, 1)
        assert second_day.pk not in set(waiting.days.values_list("day_id", flat=True))

    def test_after_the_deadline_cancelling_is_refused(self, edition, deadline, visit):
        person = sign_up(edition, [visit])
        with pytest.raises(RegistrationError, match="changes_closed"):
            services.registration_cancel(registration=person, now=after(deadline))
        person.refresh_from_db()
        assert person.status == Registration.Status.ACTIVE
        assert not person.mails.filter(kind="cancelled").exists()

    def test_without_a_contact_the_message_sends_to_the_contact_page(self, edition, deadline):
        Edition.objects.filter(pk=edition.pk).update(contact_email="", contact_phone="")
        edition.refresh_from_db()
        person = sign_up(edition)
        with pytest.raises(RegistrationError) as error:
            services.registration_cancel(registration=person, now=after(deadline))
        with translation.override("en"):
            assert error.value.message.endswith("write to the organisers (see the contact page).")

    def test_organisers_bypass_the_deadline(self, edition, deadline, visit, evening):
        person = sign_up(edition, [visit])
        services.registration_change_items(
            registration=person, item_ids=[evening.pk], now=after(deadline), by_organiser=True
        )
        assert list(person.bookings.values_list("item_id", flat=True)) == [evening.pk]
        services.registration_cancel(registration=person, now=after(deadline), by_organiser=True)
        person.refresh_from_db()
        assert person.status == Registration.Status.CANCELLED

    def test_no_deadline_no_refusal(self, edition, visit):
        assert edition.changes_close_at is None
        person = sign_up(edition, [visit])
        services.registration_cancel(registration=person, now=timezone.now() + dt.timedelta(days=400))

    def test_data_deletion_stays_possible_after_the_deadline(self, closed, visit):
        person = sign_up(closed, [visit])
        services.registration_anonymise(registration=person)
        person.refresh_from_db()
        assert person.status == Registration.Status.CANCELLED
        assert person.anonymised_at is not None
        assert not person.bookings.exists()


@pytest.mark.django_db
class TestTheEditionForm:
    def test_a_deadline_before_registration_opens_is_refused(self, edition):
        edition.changes_close_at = edition.registration_opens_at - dt.timedelta(hours=1)
        with translation.override("en"):
            with pytest.raises(ValidationError) as error:
                edition.full_clean()
            # Read inside the override: the messages are lazy.
            assert error.value.message_dict == {
                "changes_close_at": ["Changes cannot close before registration opens."]
            }

    def test_a_deadline_after_the_start_is_allowed(self, edition):
        starts = timezone.make_aware(dt.datetime.combine(edition.starts_on, dt.time(12)))
        edition.changes_close_at = starts + dt.timedelta(days=1)
        edition.full_clean()


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
class TestTheManagementPage:
    def test_before_the_deadline_the_forms_are_there(self, client_en, edition, deadline, visit):
        person = sign_up(edition, [visit])
        page = client_en.get(person.get_manage_url()).content.decode()
        assert reverse("registration:manage_items", args=[person.public_id, person.manage_token]) in page
        items_step = client_en.get(
            reverse("registration:manage_items", args=[person.public_id, person.manage_token])
        ).content.decode()
        assert 'value="items"' in items_step
        assert reverse("registration:cancel", args=[person.public_id, person.manage_token]) in page
        assert 'data-testid="changes-closed"' not in page

    def test_after_the_deadline_the_page_says_whom_to_write_to(self, client_en, closed, visit):
        visit.capacity = 1
        visit.save()
        sign_up(closed, [visit])
        person = sign_up(closed, [visit])  # waiting
        page = client_en.get(person.get_manage_url()).content.decode()
        assert 'data-testid="changes-closed"' in page
        assert f"write to the organisers ({CONTACT})" in page
        assert reverse("program:contact") in page
        items_url = reverse("registration:manage_items", args=[person.public_id, person.manage_token])
        assert items_url not in page  # neither the step's link nor the waiting list's button
        assert 'value="leave_waitlist"' not in page
        items_step = client_en.get(items_url).content.decode()
        assert f"write to the organisers ({CONTACT})" in items_step
        assert 'value="items"' not in items_step
        assert reverse("registration:cancel", args=[person.public_id, person.manage_token]) not in page
        assert reverse("registration:delete", args=[person.public_id, person.manage_token]) in page
        cancel_page = client_en.get(
            reverse("registration:cancel", args=[person.public_id, person.manage_token])
        )
        assert f"write to the organisers ({CONTACT})" in cancel_page.content.decode()
        assert "Yes, cancel my registration" not in cancel_page.content.decode()

    @pytest.mark.parametrize("action", ["items", "leave_waitlist"])
    def test_a_post_after_the_deadline_changes_nothing(self, client_en, closed, visit, action):
        visit.capacity = 1
        visit.save()
        sign_up(closed, [visit])
        person = sign_up(closed, [visit])  # waiting
        response = client_en.post(
            reverse("registration:manage_items", args=[person.public_id, person.manage_token]),
            {"action": action, "item": str(visit.pk)},
            follow=True,
        )
        assert f"write to the organisers ({CONTACT})" in response.content.decode()
        booking = person.bookings.get()
        assert (booking.status, booking.waitlist_position) == (Booking.Status.WAITLISTED, 1)
        assert not person.mails.filter(kind="changed").exists()

    def test_a_cancel_post_after_the_deadline_changes_nothing(self, client_en, closed, visit):
        person = sign_up(closed, [visit])
        url = reverse("registration:cancel", args=[person.public_id, person.manage_token])
        response = client_en.post(url, follow=True)
        assert f"write to the organisers ({CONTACT})" in response.content.decode()
        person.refresh_from_db()
        assert person.status == Registration.Status.ACTIVE
        assert person.bookings.get().is_confirmed
