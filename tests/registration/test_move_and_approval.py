"""An organiser moves a person or seats them over capacity, and approves or rejects registrations
when the edition wants it (issue #15): the services."""

import pytest
from django.core import mail

from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration import services
from registration.checkin import attendance_check_in
from registration.errors import CheckInError, RegistrationError
from registration.models import Booking, Registration
from tests.factories import send_queued_mail, sign_up


def counters(item: ProgramItem) -> tuple[int, int, int]:
    item.refresh_from_db()
    return item.capacity, item.seats_taken, item.waitlist_length


def full(item: ProgramItem, edition, waiting: int = 0):
    ProgramItem.objects.filter(pk=item.pk).update(capacity=1)
    seated = sign_up(edition, [item])
    queued = [sign_up(edition, [item]) for _ in range(waiting)]
    return seated, queued


@pytest.mark.django_db
class TestMove:
    def test_a_seat_moves_and_the_next_person_waiting_gets_the_old_one(self, edition, visit, evening):
        person, (waiting,) = full(visit, edition, waiting=1)
        moved = services.booking_move(booking=person.bookings.get(), to_item=evening)
        assert (moved.item, moved.status, moved.over_capacity) == (evening, Booking.Status.CONFIRMED, False)
        assert list(person.bookings.values_list("item_id", flat=True)) == [evening.pk]
        assert waiting.bookings.get().status == Booking.Status.CONFIRMED
        assert counters(visit) == (1, 1, 0)
        assert counters(evening)[1] == 1
        assert person.mails.filter(kind=OutgoingMail.Kind.CHANGED).count() == 1
        assert waiting.mails.filter(kind=OutgoingMail.Kind.PROMOTION).count() == 1

    def test_onto_a_full_item_the_person_waits_at_the_end(self, edition, visit, evening):
        full(evening, edition, waiting=1)
        person = sign_up(edition, [visit])
        moved = services.booking_move(booking=person.bookings.get(), to_item=evening, notify=False)
        assert (moved.status, moved.waitlist_position) == (Booking.Status.WAITLISTED, 2)
        assert counters(evening) == (1, 1, 2)
        assert counters(visit)[1] == 0
        assert not person.mails.filter(kind=OutgoingMail.Kind.CHANGED).exists()

    def test_over_capacity_seats_the_person_and_raises_the_capacity_on_record(self, edition, visit, evening):
        full(evening, edition, waiting=1)
        person = sign_up(edition, [visit])
        moved = services.booking_move(booking=person.bookings.get(), to_item=evening, over_capacity=True)
        assert (moved.status, moved.over_capacity) == (Booking.Status.CONFIRMED, True)
        assert counters(evening) == (2, 2, 1)  # the person waiting keeps their place
        assert evening.history.latest().capacity == 2  # the raise is in the audit trail

    def test_a_waiting_person_is_seated_now_over_capacity(self, edition, visit):
        _seated, (first, second) = full(visit, edition, waiting=2)
        seated = services.booking_move(booking=first.bookings.get(), to_item=visit, over_capacity=True)
        assert (seated.status, seated.over_capacity, seated.waitlist_position) == (
            Booking.Status.CONFIRMED,
            True,
            None,
        )
        assert second.bookings.get().waitlist_position == 1  # the gap closed
        assert counters(visit) == (2, 2, 1)

    @pytest.mark.parametrize("over_capacity", [False, True])
    def test_a_seated_person_cannot_be_moved_onto_their_own_item(self, edition, visit, over_capacity):
        person = sign_up(edition, [visit])
        with pytest.raises(RegistrationError) as refused:
            services.booking_move(booking=person.bookings.get(), to_item=visit, over_capacity=over_capacity)
        assert refused.value.code == "already_on_item"
        assert counters(visit) == (20, 1, 0)

    def test_a_move_into_a_clash_is_refused_and_changes_nothing(self, edition, visit, other_visit, evening):
        person = sign_up(edition, [visit, evening])
        evening_booking = person.bookings.get(item=evening)
        with pytest.raises(RegistrationError) as refused:
            services.booking_move(booking=evening_booking, to_item=other_visit)
        assert refused.value.code == "clash"
        assert set(person.bookings.values_list("item_id", flat=True)) == {visit.pk, evening.pk}
        assert counters(other_visit)[1] == 0
        assert not person.mails.filter(kind=OutgoingMail.Kind.CHANGED).exists()

    def test_unlimited_or_other_editions_items_are_refused(self, edition, visit):
        person = sign_up(edition, [visit])
        unlimited = ProgramItem.objects.filter(edition=edition, capacity__isnull=True).first()
        with pytest.raises(RegistrationError) as refused:
            services.booking_move(booking=person.bookings.get(), to_item=unlimited)
        assert refused.value.code == "unknown_item"

    def test_a_booking_gone_meanwhile_is_refused(self, edition, visit, evening):
        person = sign_up(edition, [visit])
        booking = person.bookings.get()
        services.registration_change_items(registration=person, item_ids=[])
        with pytest.raises(RegistrationError) as refused:
            services.booking_move(booking=booking, to_item=evening)
        assert refused.value.code == "booking_gone"

    def test_the_new_items_day_is_added_and_the_chosen_day_kept(self, edition, visit, first_day, second_day):
        later = ProgramItem.objects.filter(edition=edition, starts_at__date=second_day.date).first()
        ProgramItem.objects.filter(pk=later.pk).update(capacity=10)
        person = sign_up(edition, [visit], days=[first_day])
        services.booking_move(booking=person.bookings.get(), to_item=later)
        assert set(person.days.values_list("day_id", flat=True)) == {first_day.pk, second_day.pk}


@pytest.fixture
def approval(edition):
    edition.registrations_need_approval = True
    edition.save()
    return edition


@pytest.mark.django_db
class TestApproval:
    def test_a_new_registration_waits_and_holds_its_seat(self, approval, visit):
        person = sign_up(approval, [visit])
        assert person.awaiting_approval and not person.has_ticket
        assert person.bookings.get().status == Booking.Status.CONFIRMED
        assert counters(visit)[1] == 1

    def test_people_added_by_organisers_need_none(self, approval):
        person = services.registration_create(
            edition=approval,
            person=services.Person(
                first_name="Jan",
                last_name="Gość",
                email="gosc@example.com",
                town="Kraków",
                voivodeship="lesser_poland",
            ),
            days=[approval.days.first()],
            items=[],
            consents={"terms": True, "privacy": True},
            by_organiser=True,
        )
        assert not person.awaiting_approval

    def test_no_approval_in_an_ordinary_edition(self, edition):
        assert not sign_up(edition).awaiting_approval

    def test_approve_mails_the_ticket(self, approval, first_day):
        person = sign_up(approval)
        Registration.objects.filter(pk=person.pk).update(language="en")
        send_queued_mail()
        [received] = mail.outbox
        assert "We have received your registration" in received.subject
        assert "your seats are held for you meanwhile" in received.body
        assert "Your ticket code" not in received.body and not received.attachments
        services.registration_approve(registration=person)
        person.refresh_from_db()
        assert person.has_ticket and person.approved_at is not None
        assert person.history.latest().awaiting_approval is False
        send_queued_mail()
        approved = mail.outbox[1]
        assert "has been approved" in approved.subject
        assert "Your ticket code" in approved.body
        assert f"e-ticket-{approval.number}.pdf" in [name for name, *_ in approved.attachments]
        attendance_check_in(registration=person, day=first_day)  # the door lets the person in now

    def test_reject_frees_the_seat_and_tells_why(self, approval, visit):
        ProgramItem.objects.filter(pk=visit.pk).update(capacity=1)
        person = sign_up(approval, [visit])
        waiting = sign_up(approval, [visit])
        services.registration_reject(registration=person, reason="Brak miejsc dla samorządów")
        person.refresh_from_db()
        assert (person.status, person.cancellation_reason, person.awaiting_approval) == (
            Registration.Status.CANCELLED,
            "Brak miejsc dla samorządów",
            False,
        )
        assert waiting.bookings.get().status == Booking.Status.CONFIRMED
        kinds = set(person.mails.values_list("kind", flat=True))
        assert kinds == {OutgoingMail.Kind.CONFIRMATION, OutgoingMail.Kind.REJECTED}

    @pytest.mark.parametrize("decide", [services.registration_approve, services.registration_reject])
    def test_a_decided_registration_is_not_decided_again(self, approval, decide):
        person = sign_up(approval)
        services.registration_approve(registration=person)
        with pytest.raises(RegistrationError) as refused:
            decide(registration=person)
        assert refused.value.code == "not_awaiting_approval"

    def test_the_door_refuses_a_registration_awaiting_approval(self, approval, first_day):
        person = sign_up(approval)
        with pytest.raises(CheckInError) as refused:
            attendance_check_in(registration=person, day=first_day)
        assert refused.value.code == "awaiting_approval"
        assert person.days.get().checked_in_at is None

    @pytest.mark.parametrize(
        ("language", "subject", "opening"),
        [
            ("pl", "nie zostało przyjęte", "Powód: „Brak miejsc”. Zarezerwowane"),
            ("en", "has not been accepted", "Reason: “Brak miejsc”. The seats"),
        ],
    )
    def test_the_rejection_mail_in_the_persons_language(self, approval, language, subject, opening):
        person = sign_up(approval)
        Registration.objects.filter(pk=person.pk).update(language=language)
        services.registration_reject(registration=person, reason="Brak miejsc")
        mail.outbox.clear()
        OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CONFIRMATION).delete()
        send_queued_mail()
        [message] = mail.outbox
        assert subject in message.subject
        assert opening in message.body
        assert not message.attachments
