"""A person added by hand (issue #15): the admin's "Add a person" and the door's walk-in, both
through registration_create with the public sign-up's rules."""

import datetime as dt

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import User
from django.urls import reverse

from outbox.models import OutgoingMail
from registration import services
from registration.errors import RegistrationError
from registration.models import Booking, Registration
from tests.factories import person, sign_up

ADD_PERSON = "admin:registration_registration_add_person"
DUPLICATE = "This e-mail address is already registered for this edition: find the person on the list."


def consents(accepted: bool = True) -> dict[str, bool]:
    return {"terms": accepted, "privacy": accepted, "image": False, "newsletter": False}


def create(edition, items=(), days=None, **kwargs) -> Registration:
    days = days if days is not None else [edition.days.order_by("date").first()]
    return services.registration_create(
        edition=edition,
        person=kwargs.pop("person", None) or person(),
        days=days,
        items=items,
        consents=consents(),
        by_organiser=True,
        **kwargs,
    )


def mails(registration: Registration) -> list[str]:
    return list(OutgoingMail.objects.filter(registration=registration).values_list("kind", flat=True))


@pytest.mark.django_db
class TestService:
    def test_notify_false_queues_no_mail(self, edition):
        assert mails(create(edition, notify=False)) == []

    def test_notify_true_queues_the_confirmation(self, edition):
        assert mails(create(edition, notify=True)) == [OutgoingMail.Kind.CONFIRMATION]

    def test_the_public_sign_up_still_mails(self, edition):
        assert mails(sign_up(edition)) == [OutgoingMail.Kind.CONFIRMATION]

    def test_by_organiser_after_the_registration_closed(self, edition):
        after = edition.registration_closes_at + dt.timedelta(days=1)
        with pytest.raises(RegistrationError) as refused:
            services.registration_create(
                edition=edition,
                person=person(),
                days=[edition.days.first()],
                items=[],
                consents=consents(),
                now=after,
            )
        assert refused.value.code == "closed"
        registration = create(edition, now=after)
        assert Registration.objects.filter(pk=registration.pk, status=Registration.Status.ACTIVE).count() == 1

    def test_the_consents_are_still_required(self, edition):
        with pytest.raises(RegistrationError) as refused:
            services.registration_create(
                edition=edition,
                person=person(),
                days=[edition.days.first()],
                items=[],
                consents=consents(accepted=False),
                by_organiser=True,
            )
        assert refused.value.code == "consent_required"
        assert Registration.objects.count() == 0

    def test_a_full_item_gives_a_waiting_place(self, edition, visit):
        sign_up(edition, [visit])
        services.item_set_capacity(item=visit, capacity=1)
        booking = create(edition, [visit]).bookings.get()
        assert (booking.status, booking.waitlist_position) == (Booking.Status.WAITLISTED, 1)

    def test_a_clash_is_refused(self, edition, visit, other_visit):
        with pytest.raises(RegistrationError) as refused:
            create(edition, [visit, other_visit])
        assert refused.value.code == "clash"
        assert Registration.objects.count() == 0

    def test_a_registered_address_is_refused(self, edition):
        first = sign_up(edition)
        with pytest.raises(RegistrationError) as refused:
            create(edition, person=person(email=first.email.upper()))
        assert refused.value.code == "duplicate_email"
        assert Registration.objects.count() == 1


# --- the admin's "Add a person" ------------------------------------------------------------------


def admin_data(edition, **overrides) -> dict:
    data = {
        "first_name": "Jan",
        "last_name": "Gość",
        "email": "jan.gosc@example.com",
        "town": "Tarnów",
        "voivodeship": "lesser_poland",
        "organisation_name": "",
        "days": [str(edition.days.order_by("date").first().pk)],
        "items": [],
        "accepted": "on",
        "notify": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
class TestAdminAddPerson:
    def test_the_changelist_links_to_the_page(self, organiser_client, edition):
        response = organiser_client.get(reverse("admin:registration_registration_changelist"))
        assert reverse(ADD_PERSON).encode() in response.content

    def test_get(self, organiser_client, edition):
        response = organiser_client.get(reverse(ADD_PERSON))
        assert response.status_code == 200
        assert list(response.context["form"].fields) == [
            "first_name",
            "last_name",
            "email",
            "town",
            "voivodeship",
            "organisation_name",
            "days",
            "items",
            "accepted",
            "notify",
        ]

    def test_post_registers_the_person_and_logs_it(self, organiser, organiser_client, edition, visit):
        response = organiser_client.post(reverse(ADD_PERSON), admin_data(edition, items=[str(visit.pk)]))
        registration = Registration.objects.get(email="jan.gosc@example.com")
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "admin:registration_registration_change", args=[registration.pk]
        )
        assert list(registration.bookings.values_list("item", "status")) == [
            (visit.pk, Booking.Status.CONFIRMED)
        ]
        assert dict(registration.consents.values_list("kind", "granted")) == consents()
        assert mails(registration) == [OutgoingMail.Kind.CONFIRMATION]
        entry = LogEntry.objects.get(object_id=str(registration.pk))
        assert (entry.user, entry.action_flag, entry.change_message) == (
            organiser,
            ADDITION,
            "Added by hand (Add a person).",
        )

    def test_without_the_mail(self, organiser_client, edition):
        organiser_client.post(reverse(ADD_PERSON), admin_data(edition, notify=None))
        assert mails(Registration.objects.get(email="jan.gosc@example.com")) == []

    def test_a_clash_is_a_form_error(self, organiser_client, edition, visit, other_visit):
        response = organiser_client.post(
            reverse(ADD_PERSON), admin_data(edition, items=[str(visit.pk), str(other_visit.pk)])
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {
            "items": [
                f"“{visit.title}” and “{other_visit.title}” take place at the same time: choose one of them."
            ]
        }
        assert Registration.objects.count() == 0
        assert LogEntry.objects.count() == 0

    def test_a_registered_address_is_a_form_error(self, organiser_client, edition):
        first = sign_up(edition)
        response = organiser_client.post(reverse(ADD_PERSON), admin_data(edition, email=first.email))
        assert response.status_code == 200
        assert response.context["form"].errors == {"email": [DUPLICATE]}
        assert Registration.objects.count() == 1

    def test_an_unknown_item_and_no_consent(self, organiser_client, edition):
        response = organiser_client.post(
            reverse(ADD_PERSON), admin_data(edition, items=["abc"], accepted=None)
        )
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"items", "accepted"}
        assert Registration.objects.count() == 0

    def test_no_day(self, organiser_client, edition):
        response = organiser_client.post(reverse(ADD_PERSON), admin_data(edition, days=[]))
        assert response.context["form"].errors == {"days": ["Choose at least one day you will attend."]}
        assert Registration.objects.count() == 0

    def test_staff_may_not(self, staff_client, edition):
        assert staff_client.get(reverse(ADD_PERSON)).status_code == 403
        assert staff_client.post(reverse(ADD_PERSON), admin_data(edition)).status_code == 403
        assert Registration.objects.count() == 0


# --- the door's walk-in ----------------------------------------------------------------------------


def walk_in_data(**overrides) -> dict:
    data = {
        "first_name": "Ewa",
        "last_name": "Przechodnia",
        "email": "ewa@example.com",
        "town": "Bochnia",
        "voivodeship": "lesser_poland",
        "organisation_name": "KGW Bochnia",
        "accepted": "on",
    }
    data.update(overrides)
    return {f"walk_in-{key}": value for key, value in data.items() if value is not None}


def walk_in_url(day) -> str:
    return reverse("staff:checkin_walk_in", args=[day.pk])


@pytest.mark.django_db
class TestWalkIn:
    def test_the_check_in_page_shows_the_form(self, staff_client, edition, first_day):
        response = staff_client.get(reverse("staff:checkin"), {"day": first_day.pk})
        assert walk_in_url(first_day).encode() in response.content
        assert response.context["walk_in_form"].is_bound is False

    def test_registered_and_checked_in_for_the_day_without_mail(self, staff_client, edition, second_day):
        response = staff_client.post(walk_in_url(second_day), walk_in_data())
        registration = Registration.objects.get(email="ewa@example.com")
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('staff:checkin')}?day={second_day.pk}&q=ewa%40example.com"
        attendance = registration.days.get()
        assert attendance.day == second_day
        assert attendance.checked_in_at is not None
        assert mails(registration) == []
        assert dict(registration.consents.values_list("kind", "granted")) == consents()

    def test_with_the_mail_when_asked(self, staff_client, edition, first_day):
        staff_client.post(walk_in_url(first_day), walk_in_data(notify="on"))
        assert mails(Registration.objects.get(email="ewa@example.com")) == [OutgoingMail.Kind.CONFIRMATION]

    def test_a_registered_address_comes_back_with_the_error(self, staff_client, edition, first_day):
        first = sign_up(edition)
        response = staff_client.post(walk_in_url(first_day), walk_in_data(email=first.email))
        assert response.status_code == 200
        assert response.context["walk_in_form"].errors == {"email": [DUPLICATE]}
        assert first.days.get().checked_in_at is None
        assert Registration.objects.count() == 1

    def test_invalid_input_creates_nothing(self, staff_client, edition, first_day):
        response = staff_client.post(walk_in_url(first_day), walk_in_data(email="", accepted=None))
        assert response.status_code == 200
        assert set(response.context["walk_in_form"].errors) == {"email", "accepted"}
        assert Registration.objects.count() == 0

    def test_a_day_of_another_edition_or_none(self, staff_client, edition):
        assert (
            staff_client.post(reverse("staff:checkin_walk_in", args=[999999]), walk_in_data()).status_code
            == 404
        )
        assert Registration.objects.count() == 0

    def test_get_is_not_allowed(self, staff_client, edition, first_day):
        assert staff_client.get(walk_in_url(first_day)).status_code == 405

    def test_without_the_check_in_permission(self, client, roles, edition, first_day):
        client.force_login(
            User.objects.create_user("clerk", "clerk@example.com", "secret-pass", is_staff=True)
        )
        assert client.post(walk_in_url(first_day), walk_in_data()).status_code == 403
        assert Registration.objects.count() == 0
