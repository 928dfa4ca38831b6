"""The admin's paths for moving a person, seating them over capacity, and approving or rejecting
registrations (issue #15), and what the person sees while they wait."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration.models import Booking, Registration
from tests.factories import sign_up

from .test_admin import texts

CHANGELIST = "admin:registration_registration_changelist"


def move_url(booking: Booking) -> str:
    return reverse("admin:registration_registration_move", args=[booking.registration_id, booking.pk])


@pytest.mark.django_db
class TestMovePage:
    def test_the_registration_page_links_each_place_to_the_move_page(self, organiser_client, edition, visit):
        person = sign_up(edition, [visit])
        page = organiser_client.get(reverse("admin:registration_registration_change", args=[person.pk]))
        assert move_url(person.bookings.get()) in page.content.decode()

    def test_move_to_another_item(self, organiser_client, edition, visit, evening):
        person = sign_up(edition, [visit])
        booking = person.bookings.get()
        response = organiser_client.post(move_url(booking), {"to_item": evening.pk, "notify": "on"})
        assert response.status_code == 302
        assert texts(response) == [f"{person} has a seat on “{evening}”."]
        assert person.bookings.get().item == evening
        assert person.mails.filter(kind=OutgoingMail.Kind.CHANGED).count() == 1
        [entry] = LogEntry.objects.filter(object_id=str(person.pk))
        assert entry.get_change_message().startswith("Moved by an organiser:")

    def test_seat_over_capacity_from_the_waiting_list(self, organiser_client, edition, visit):
        ProgramItem.objects.filter(pk=visit.pk).update(capacity=1)
        sign_up(edition, [visit])
        waiting = sign_up(edition, [visit])
        response = organiser_client.post(
            move_url(waiting.bookings.get()), {"to_item": visit.pk, "over_capacity": "on"}
        )
        assert response.status_code == 302
        [message] = texts(response)
        assert message.endswith("The seat is over capacity: the item's capacity is now 2.")
        booking = waiting.bookings.get()
        assert (booking.status, booking.over_capacity) == (Booking.Status.CONFIRMED, True)
        assert not waiting.mails.filter(kind=OutgoingMail.Kind.CHANGED).exists()  # "tell" left off

    def test_a_clash_is_shown_on_the_form_and_changes_nothing(
        self, organiser_client, edition, visit, other_visit, evening
    ):
        person = sign_up(edition, [visit, evening])
        booking = person.bookings.get(item=evening)
        response = organiser_client.post(move_url(booking), {"to_item": other_visit.pk})
        assert response.status_code == 200
        assert response.context["form"].errors["to_item"] == [
            f"“{visit.title}” and “{other_visit.title}” take place at the same time: choose one of them."
        ]
        assert set(person.bookings.values_list("item_id", flat=True)) == {visit.pk, evening.pk}

    def test_staff_cannot_move_people(self, staff_client, edition, visit):
        person = sign_up(edition, [visit])
        assert staff_client.get(move_url(person.bookings.get())).status_code == 403

    def test_a_booking_of_someone_else_is_not_found(self, organiser_client, edition, visit):
        person, other = sign_up(edition, [visit]), sign_up(edition)
        url = reverse("admin:registration_registration_move", args=[other.pk, person.bookings.get().pk])
        assert organiser_client.get(url).status_code == 404


@pytest.fixture
def approval(edition):
    edition.registrations_need_approval = True
    edition.save()
    return edition


@pytest.mark.django_db
class TestApprovalActions:
    def test_approve_the_selected(self, organiser_client, approval):
        waiting, decided = sign_up(approval), sign_up(approval)
        organiser_client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [decided.pk]})
        response = organiser_client.post(
            reverse(CHANGELIST), {"action": "approve", "_selected_action": [waiting.pk, decided.pk]}
        )
        assert texts(response)[-1] == "Approved: 1 of 2 selected."
        waiting.refresh_from_db()
        assert not waiting.awaiting_approval
        assert waiting.mails.filter(kind=OutgoingMail.Kind.APPROVED).count() == 1

    def test_reject_asks_for_the_reason_then_cancels(self, organiser_client, approval):
        person = sign_up(approval)
        data = {"action": "reject", "_selected_action": [person.pk]}
        asked = organiser_client.post(reverse(CHANGELIST), data)
        assert asked.status_code == 200 and "reason" in asked.context["form"].fields
        organiser_client.post(reverse(CHANGELIST), {**data, "apply": "1", "reason": "Tylko dla samorządów"})
        person.refresh_from_db()
        assert (person.status, person.cancellation_reason) == (
            Registration.Status.CANCELLED,
            "Tylko dla samorządów",
        )
        assert person.mails.filter(kind=OutgoingMail.Kind.REJECTED).count() == 1

    def test_the_list_filters_and_the_dashboard_counts_those_awaiting(self, organiser_client, approval):
        sign_up(approval)
        listed = organiser_client.get(reverse(CHANGELIST), {"approval": "awaiting"})
        assert listed.context["cl"].result_count == 1
        dashboard = organiser_client.get(reverse("admin_dashboard"))
        page = dashboard.content.decode()
        assert "Awaiting approval" in page and "approval=awaiting" in page


@pytest.mark.django_db
class TestWhatThePersonSees:
    def test_thanks_and_manage_say_it_waits_and_offer_no_ticket(self, client, approval):
        person = sign_up(approval)
        for name in ("registration:thanks", "registration:manage"):
            page = client.get(
                reverse(name, kwargs={"public_id": person.public_id, "token": person.manage_token})
            )
            assert 'data-testid="awaiting-approval"' in page.content.decode()
            ticket = reverse(
                "registration:ticket", kwargs={"public_id": person.public_id, "token": person.manage_token}
            )
            assert ticket not in page.content.decode()

    @pytest.mark.parametrize("name", ["registration:ticket", "registration:ticket_pdf"])
    def test_the_ticket_pages_send_back_to_the_management_page(self, client, approval, name):
        person = sign_up(approval)
        response = client.get(
            reverse(name, kwargs={"public_id": person.public_id, "token": person.manage_token})
        )
        assert response.status_code == 302
        assert response["Location"] == person.get_manage_url()
