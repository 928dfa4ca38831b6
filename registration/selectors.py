"""Reads of registrations, shaped for pages and e-mails."""

import hmac
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Prefetch

from program.models import CateringOffer, Edition, ProgramItem

from .models import Booking, CateringOrder, DayAttendance, FreeTicketClaim, Registration
from .payments import PaymentInstructions, payment_method_for

CATERING_MEALS = (*CateringOrder.PAID_MEAL, CateringOrder.Status.FREE)


def registration_for_manage(public_id, token: str) -> Registration | None:
    """The registration the private link points at, or None. The token is compared in constant
    time; the lookup goes by the public id, which is not the secret."""

    registration = (
        Registration.objects.select_related("edition__catering__day")
        .prefetch_related(
            Prefetch("bookings", queryset=Booking.objects.select_related("item").order_by("item__starts_at")),
            Prefetch("days", queryset=DayAttendance.objects.select_related("day")),
        )
        .filter(public_id=public_id, anonymised_at__isnull=True)
        .first()
    )
    # Bytes: compare_digest refuses str with non-ASCII characters (a forged link may hold them).
    if registration is None or not hmac.compare_digest(
        registration.manage_token.encode(), str(token).encode()
    ):
        return None
    return registration


BOOKABLE_ITEMS_CACHE_KEY = "registration:bookable-items:{edition_id}"
BOOKABLE_ITEMS_CACHE_TIMEOUT = 300
COUNTERS = ("capacity", "seats_taken", "waitlist_length")


def bookable_items(edition: Edition, *, live_counts: bool = True) -> list[ProgramItem]:
    """The limited items one can sign up for, in program order. Their fixed parts (titles, times)
    come from the cache, which registration.signals drops whenever an item is saved or deleted;
    the seats are then read now, in one light query, unless `live_counts` is False: a sign-up
    decides on the counters it reads under the items' lock, so checking its form needs none."""
    key = BOOKABLE_ITEMS_CACHE_KEY.format(edition_id=edition.pk)
    items = cache.get(key)
    if items is None:
        # No hosts: no page that lists these shows them, and a prefetch is one more query.
        items = list(
            ProgramItem.objects.filter(edition=edition, capacity__isnull=False).order_by("starts_at", "title")
        )
        cache.set(key, items, timeout=BOOKABLE_ITEMS_CACHE_TIMEOUT)
    elif live_counts:
        read_live_counts(items)
    return items


def read_live_counts(items: list[ProgramItem]) -> None:
    """Set the items' capacity and counters to what the database holds now."""
    rows = ProgramItem.objects.filter(pk__in=[item.pk for item in items]).values_list("pk", *COUNTERS)
    counts = {pk: values for pk, *values in rows}
    for item in items:
        if item.pk in counts:  # else deleted this instant; the cache is dropped already
            item.capacity, item.seats_taken, item.waitlist_length = counts[item.pk]


def forget_bookable_items(edition_id: int) -> None:
    cache.delete(BOOKABLE_ITEMS_CACHE_KEY.format(edition_id=edition_id))


@dataclass(frozen=True)
class CateringSummary:
    """A person's catering as the pages and e-mails show it."""

    offer: CateringOffer
    order: CateringOrder | None
    claim: FreeTicketClaim | None
    payment: PaymentInstructions | None


def catering_for(registration: Registration) -> CateringSummary | None:
    """The live order and the latest claim, with the transfer details if a payment is due."""
    try:
        offer = registration.edition.catering  # a join when the caller asked for it (manage page)
    except CateringOffer.DoesNotExist:
        offer = None
    if offer is None:
        return None
    order = registration.catering_orders.filter(status__in=CateringOrder.LIVE).first()
    if order is not None:
        order.offer = offer  # loaded already, with the edition
    claim = registration.ticket_claims.order_by("-created_at").first()
    payment = None
    if order is not None and order.awaits_payment:
        payment = payment_method_for(order).instructions(order)
    return CateringSummary(offer=offer, order=order, claim=claim, payment=payment)


def catering_diet_counts(edition: Edition) -> dict[str, int]:
    """Meals per diet for the caterer: every held meal (paid, awaiting payment, free), all diets
    listed even at zero. The notes of "other" are in `catering_diet_notes`."""
    counts = dict.fromkeys(CateringOrder.Diet.values, 0)
    rows = (
        CateringOrder.objects.filter(offer__edition=edition, status__in=CATERING_MEALS)
        .values("diet")
        .annotate(count=Count("id"))
    )
    counts.update({row["diet"]: row["count"] for row in rows})
    return counts


def catering_diet_notes(edition: Edition) -> list[str]:
    return list(
        CateringOrder.objects.filter(offer__edition=edition, status__in=CATERING_MEALS)
        .exclude(diet_note="")
        .order_by("id")
        .values_list("diet_note", flat=True)
    )


def catering_invoice_rows(edition: Edition) -> list[dict]:
    """Orders with invoice data, for the export: who asked for an invoice for what."""
    orders = (
        CateringOrder.objects.filter(offer__edition=edition, status__in=CateringOrder.PAID_MEAL)
        .exclude(invoice_name="")
        .select_related("offer__edition", "registration")
        .order_by("id")
    )
    return [
        {
            "transfer_title": order.transfer_title,
            "status": order.status,
            "amount": order.amount,
            "paid_on": order.paid_on,
            "buyer_name": order.invoice_name,
            "buyer_nip": order.invoice_nip,
            "buyer_address": order.invoice_address,
            "email": order.registration.email,
        }
        for order in orders
    ]
