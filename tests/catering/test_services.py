import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from attendees.emails import mail_message as render
from catering import services as catering
from catering.errors import CateringError
from catering.models import CateringOffer, CateringOrder
from catering.selectors import catering_diet_counts, catering_diet_notes
from catering.services import InvoiceData
from outbox.models import OutgoingMail
from registration import services
from registration.models import Registration

from .conftest import NOW, free, paid, register, set_limits

Status = CateringOrder.Status


def kinds(registration) -> list[str]:
    return list(registration.mails.order_by("id").values_list("kind", flat=True))


def test_paid_catering_gets_price_deadline_and_title(edition, offer):
    registration = register(edition, paid())

    order = registration.catering_orders.get()
    offer.refresh_from_db()
    assert order.status == Status.AWAITING_PAYMENT
    assert order.amount == Decimal("120.00")
    assert order.payment_due == dt.date(2030, 11, 8)
    assert order.transfer_title == f"MO7-{order.pk:06d}"
    assert (offer.paid_taken, offer.free_taken) == (1, 0)


def test_deadline_is_never_after_the_day_before_the_conference(edition, offer):
    registration = register(edition, paid(), now=NOW.replace(day=25))

    assert registration.catering_orders.get().payment_due == dt.date(2030, 11, 28)


def test_paid_catering_cannot_be_ordered_once_no_day_is_left_to_pay(edition):
    edition.registration_closes_at = NOW.replace(day=30)
    edition.save()
    register(edition, paid(), now=NOW.replace(day=28, hour=23))

    with pytest.raises(CateringError) as error:
        register(edition, paid(), now=NOW.replace(day=29, hour=0))

    assert error.value.code == "catering_closed"
    assert Registration.objects.count() == 1


def test_catering_needs_the_catering_day(edition, offer):
    first_day = edition.days.order_by("date").first()

    with pytest.raises(CateringError) as error:
        register(edition, paid(), days=[first_day])

    assert error.value.code == "catering_day"
    assert error.value.message == (
        "The catering is served on 30.11.2030: choose that day too, or leave out the catering."
    )
    assert Registration.objects.count() == 0
    offer.refresh_from_db()
    assert offer.paid_taken == 0


def test_paid_catering_is_never_overbooked(edition, offer):
    set_limits(offer, capacity=62, free_ticket_quota=60)  # two paid meals
    register(edition, paid())
    register(edition, paid())

    with pytest.raises(CateringError) as error:
        register(edition, paid())

    assert error.value.code == "catering_full"
    offer.refresh_from_db()
    assert offer.paid_taken == 2
    assert Registration.objects.count() == 2


def test_free_ticket_within_quota_includes_the_catering(edition, offer):
    registration = register(edition, free(diet="vegan"))

    claim = registration.ticket_claims.get()
    order = registration.catering_orders.get()
    offer.refresh_from_db()
    assert (claim.status, claim.waitlist_position, claim.town) == ("pending", None, "Wieliczka")
    assert (order.status, order.amount, order.diet) == (Status.FREE, Decimal("0.00"), "vegan")
    assert (offer.free_taken, offer.paid_taken) == (1, 0)


def test_exhausted_quota_gives_gapless_waiting_places_and_optional_paid_catering(edition, offer):
    set_limits(offer, free_ticket_quota=1)
    register(edition, free())
    second = register(edition, free())
    third = register(edition, free(fallback_paid=True))

    assert second.ticket_claims.get().waitlist_position == 1
    assert second.catering_orders.get().status == Status.WAITING
    assert third.ticket_claims.get().waitlist_position == 2
    assert third.catering_orders.get().status == Status.AWAITING_PAYMENT
    offer.refresh_from_db()
    assert (offer.free_taken, offer.free_waitlist_length, offer.paid_taken) == (1, 2, 1)


def test_approve_emails_the_person(edition):
    registration = register(edition, free())
    claim = registration.ticket_claims.get()

    catering.claim_approve(claim=claim, now=NOW)

    claim.refresh_from_db()
    assert (claim.status, claim.decided_at) == ("approved", NOW)
    assert kinds(registration) == ["confirmation", "claim_approved"]
    with pytest.raises(CateringError) as error:
        catering.claim_approve(claim=claim, now=NOW)
    assert error.value.code == "claim_not_pending"


def test_reject_falls_back_to_paid_catering_and_promotes_the_next_claim(edition, offer):
    set_limits(offer, free_ticket_quota=1)
    first = register(edition, free(fallback_paid=True))
    second = register(edition, free())
    third = register(edition, free())

    catering.claim_reject(claim=first.ticket_claims.get(), reason="Adres poza Małopolską", now=NOW)

    first_order = first.catering_orders.get(status__in=CateringOrder.LIVE)
    assert (first_order.status, first_order.amount) == (Status.AWAITING_PAYMENT, Decimal("120.00"))
    assert first.ticket_claims.get().rejection_reason == "Adres poza Małopolską"
    assert (second.ticket_claims.get().status, second.catering_orders.get().status) == (
        "pending",
        Status.FREE,
    )
    assert third.ticket_claims.get().waitlist_position == 1
    offer.refresh_from_db()
    assert (offer.free_taken, offer.free_waitlist_length, offer.paid_taken) == (1, 1, 1)
    assert kinds(first) == ["confirmation", "claim_rejected"]
    assert kinds(second) == ["confirmation", "claim_promoted"]
    assert kinds(third) == ["confirmation"]


def test_reject_without_fallback_cancels_the_catering(edition, offer):
    registration = register(edition, free())

    catering.claim_reject(claim=registration.ticket_claims.get(), reason="Brak związku z Małopolską", now=NOW)

    assert list(registration.catering_orders.values_list("status", flat=True)) == [Status.CANCELLED]
    offer.refresh_from_db()
    assert (offer.free_taken, offer.paid_taken) == (0, 0)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVE


def test_reject_needs_a_reason(edition):
    registration = register(edition, free())

    with pytest.raises(CateringError) as error:
        catering.claim_reject(claim=registration.ticket_claims.get(), reason="  ", now=NOW)

    assert error.value.code == "reason_required"
    assert registration.ticket_claims.get().status == "pending"


def test_rejecting_a_waiting_claim_closes_the_gap(edition, offer):
    set_limits(offer, free_ticket_quota=1)
    register(edition, free())
    second = register(edition, free())
    third = register(edition, free())

    catering.claim_reject(claim=second.ticket_claims.get(), reason="Nie dotyczy", now=NOW)

    assert third.ticket_claims.get().waitlist_position == 1
    offer.refresh_from_db()
    assert (offer.free_taken, offer.free_waitlist_length) == (1, 1)


def test_promotion_turns_a_paid_meal_into_the_free_one(edition, offer):
    set_limits(offer, free_ticket_quota=1)
    first = register(edition, free())
    waiting = register(edition, free(fallback_paid=True))
    order = waiting.catering_orders.get()
    catering.catering_orders_mark_paid(orders=[order], paid_on=dt.date(2030, 11, 3))

    services.registration_cancel(registration=first, now=NOW)

    order.refresh_from_db()
    # Still marked paid on that day: that is how the organisers see the refund due.
    assert (order.status, order.amount, order.paid_on) == (
        Status.FREE,
        Decimal("120.00"),
        dt.date(2030, 11, 3),
    )
    offer.refresh_from_db()
    assert (offer.free_taken, offer.free_waitlist_length, offer.paid_taken) == (1, 0, 0)


def test_cancel_releases_paid_meal(edition, offer):
    registration = register(edition, paid())

    services.registration_cancel(registration=registration, now=NOW)

    offer.refresh_from_db()
    assert offer.paid_taken == 0
    order = registration.catering_orders.get()
    assert (order.status, order.cancelled_at) == (Status.CANCELLED, NOW)


def test_drop_and_add_catering_on_the_management_page(edition, offer):
    registration = register(edition, paid())

    catering.catering_drop(registration=registration, now=NOW)
    order = catering.catering_add(registration=registration, diet="other", diet_note="bez orzechów", now=NOW)

    assert list(registration.catering_orders.order_by("id").values_list("status", flat=True)) == [
        Status.CANCELLED,
        Status.AWAITING_PAYMENT,
    ]
    assert order.diet_note == "bez orzechów"
    offer.refresh_from_db()
    assert offer.paid_taken == 1
    with pytest.raises(CateringError) as error:
        catering.catering_add(registration=registration, diet="standard", now=NOW)
    assert error.value.code == "catering_exists"


def test_a_paid_order_cannot_be_dropped(edition):
    registration = register(edition, paid())
    catering.catering_orders_mark_paid(
        orders=registration.catering_orders.all(), paid_on=dt.date(2030, 11, 2)
    )

    with pytest.raises(CateringError) as error:
        catering.catering_drop(registration=registration, now=NOW)

    assert error.value.code == "catering_paid"


def test_the_catering_day_cannot_be_left_out_while_catering_is_ordered(edition):
    registration = register(edition, paid())
    first_day = edition.days.order_by("date").first()

    with pytest.raises(CateringError) as error:
        services.registration_change_items(
            registration=registration, item_ids=[], day_ids=[first_day.pk], now=NOW
        )

    assert error.value.code == "catering_day"
    assert registration.days.count() == 2


def test_mark_paid_sends_a_receipt_once(edition):
    registration = register(edition, paid())
    order = registration.catering_orders.get()

    marked = catering.catering_orders_mark_paid(orders=[order], paid_on=dt.date(2030, 11, 5))
    again = catering.catering_orders_mark_paid(orders=[order], paid_on=dt.date(2030, 11, 6))

    order.refresh_from_db()
    assert [o.pk for o in marked] == [order.pk]
    assert again == []
    assert (order.status, order.paid_on) == (Status.PAID, dt.date(2030, 11, 5))
    assert kinds(registration) == ["confirmation", "payment_received"]


def test_deadlines_remind_once_then_release_only_the_meal(edition, offer):
    registration = register(edition, paid())  # due 8 November, reminder 2 days before
    order = registration.catering_orders.get()

    assert catering.catering_deadlines(now=NOW.replace(day=5)) == catering.DeadlineReport(
        reminded=0, released=0
    )
    assert catering.catering_deadlines(now=NOW.replace(day=6)) == catering.DeadlineReport(
        reminded=1, released=0
    )
    assert catering.catering_deadlines(now=NOW.replace(day=7)) == catering.DeadlineReport(
        reminded=0, released=0
    )
    assert catering.catering_deadlines(now=NOW.replace(day=8, hour=23)) == catering.DeadlineReport(
        reminded=0, released=0
    )
    assert catering.catering_deadlines(now=NOW.replace(day=9)) == catering.DeadlineReport(
        reminded=0, released=1
    )
    assert catering.catering_deadlines(now=NOW.replace(day=10)) == catering.DeadlineReport(
        reminded=0, released=0
    )

    order.refresh_from_db()
    registration.refresh_from_db()
    offer.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert offer.paid_taken == 0
    assert registration.status == Registration.Status.ACTIVE
    assert registration.days.count() == 2
    assert kinds(registration) == ["confirmation", "payment_reminder", "catering_released"]


def test_a_released_fallback_keeps_the_waiting_place(edition, offer):
    set_limits(offer, free_ticket_quota=1)
    register(edition, free())
    waiting = register(edition, free(fallback_paid=True, diet="vegetarian"))

    catering.catering_deadlines(now=NOW.replace(day=9))

    assert list(waiting.catering_orders.order_by("id").values_list("status", "diet")) == [
        (Status.CANCELLED, "vegetarian"),
        (Status.WAITING, "vegetarian"),
    ]
    assert waiting.ticket_claims.get().waitlist_position == 1


def test_diet_counts_count_held_meals_only(edition, offer):
    set_limits(offer, free_ticket_quota=1)
    register(edition, paid(diet="vegan"))
    register(edition, paid(diet="other", diet_note="bez glutenu i laktozy"))
    register(edition, free(diet="vegan"))
    register(edition, free(diet="gluten_free"))  # waiting: no meal
    cancelled = register(edition, paid(diet="standard"))
    services.registration_cancel(registration=cancelled, now=NOW)

    assert catering_diet_counts(edition) == {
        "standard": 0,
        "vegetarian": 0,
        "vegan": 2,
        "gluten_free": 0,
        "lactose_free": 0,
        "other": 1,
    }
    assert catering_diet_notes(edition) == ["bez glutenu i laktozy"]


def test_invoice_data_is_kept_then_erased_by_anonymisation(edition):
    invoice = InvoiceData(
        name="Stowarzyszenie Sąsiedzi", nip="1234563218", address="ul. Długa 1, 31-001 Kraków"
    )
    registration = register(edition, paid(invoice=invoice), email="kasia@example.com")
    order = registration.catering_orders.get()

    assert (order.invoice_name, order.invoice_nip, order.invoice_address) == (
        "Stowarzyszenie Sąsiedzi",
        "1234563218",
        "ul. Długa 1, 31-001 Kraków",
    )

    services.registration_anonymise(registration=registration, now=NOW)

    order.refresh_from_db()
    assert (order.status, order.invoice_name, order.invoice_nip, order.invoice_address) == (
        Status.CANCELLED,
        "",
        "",
        "",
    )
    assert order.amount == Decimal("120.00")


def test_counters_are_backed_by_check_constraints(offer):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        CateringOffer.objects.filter(pk=offer.pk).update(free_taken=61)
    with pytest.raises(IntegrityError), transaction.atomic():
        CateringOffer.objects.filter(pk=offer.pk).update(paid_taken=91)


@pytest.mark.parametrize(
    "kind",
    [
        OutgoingMail.Kind.CONFIRMATION,
        OutgoingMail.Kind.CLAIM_APPROVED,
        OutgoingMail.Kind.CLAIM_REJECTED,
        OutgoingMail.Kind.CLAIM_PROMOTED,
        OutgoingMail.Kind.PAYMENT_REMINDER,
        OutgoingMail.Kind.PAYMENT_RECEIVED,
        OutgoingMail.Kind.CATERING_RELEASED,
    ],
)
def test_every_catering_mail_renders_with_the_transfer_details(edition, kind):
    registration = register(edition, paid())
    order = registration.catering_orders.get()
    outgoing = OutgoingMail.objects.create(
        registration=registration, kind=kind, to=registration.email, context={"order_id": order.pk}
    )

    message = render(outgoing)

    assert order.transfer_title in message.body
    assert "PL50 1090 1014 0000 0000 1234 5678" in message.body
    assert "{%" not in message.subject
