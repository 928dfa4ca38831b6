"""Reads of registrations, shaped for pages and e-mails."""

import copy
import hmac
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Prefetch

from miejsca_otwarte.cache import local_copies
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


SIGN_UP_CHOICES_CACHE_KEY = "registration:sign-up-choices:{edition_id}"
# Bounds how stale another process's copy can be when the cache is per process (locmem), as for
# the current edition; with a shared cache (Redis) registration.signals drops it everywhere at once.
SIGN_UP_CHOICES_CACHE_TIMEOUT = 60
ITEM_COUNTERS = ("capacity", "seats_taken", "waitlist_length")
OFFER_COUNTERS = ("paid_taken", "free_taken", "free_waitlist_length")


@dataclass(frozen=True)
class SignUpChoices:
    """What the sign-up form offers: the limited items in program order, and the catering offer
    (None when the edition has none)."""

    items: list[ProgramItem]
    offer: CateringOffer | None

    def with_live_counts(self) -> "SignUpChoices":
        """Copies with the seats and meals counters the database holds now (two light queries);
        the cached objects are shared by requests and stay as they are."""
        rows = ProgramItem.objects.filter(pk__in=[item.pk for item in self.items]).values_list(
            "pk", *ITEM_COUNTERS
        )
        counts = {pk: values for pk, *values in rows}
        # An item missing from `counts` was deleted this instant; the cached copy is dropped already.
        items = [_with(item, ITEM_COUNTERS, counts[item.pk]) for item in self.items if item.pk in counts]
        offer = self.offer
        if offer is not None:
            offer_counts = CateringOffer.objects.filter(pk=offer.pk).values_list(*OFFER_COUNTERS).first()
            if offer_counts is not None:
                offer = _with(offer, OFFER_COUNTERS, offer_counts)
        return SignUpChoices(items=items, offer=offer)


def _with(obj, names, values):
    changed = copy.copy(obj)
    for name, value in zip(names, values, strict=True):
        setattr(changed, name, value)
    return changed


def sign_up_choices(edition: Edition, *, live_counts: bool = True) -> SignUpChoices:
    """The items and catering the sign-up form offers. Their fixed parts (titles, times, prices)
    come from the cache, which registration.signals drops whenever an item, the offer or a day is
    saved or deleted, and each process holds them for a second (miejsca_otwarte.cache); the
    counters are then read now, unless `live_counts` is False: a sign-up decides on the counters it
    reads under lock, so checking its form needs none."""
    key = SIGN_UP_CHOICES_CACHE_KEY.format(edition_id=edition.pk)
    read_now = []  # the loader's note that it read the rows, counters included, just now
    choices = local_copies.get(key, lambda: _shared_sign_up_choices(key, edition, read_now))
    return choices.with_live_counts() if live_counts and not read_now else choices


def _shared_sign_up_choices(key: str, edition: Edition, read_now: list) -> SignUpChoices:
    choices = cache.get(key)
    if choices is None:
        read_now.append(True)
        choices = SignUpChoices(
            # No hosts: no page that lists these shows them, and a prefetch is one more query.
            items=list(
                ProgramItem.objects.filter(edition=edition, capacity__isnull=False).order_by(
                    "starts_at", "title"
                )
            ),
            # Not joined to the edition: its many translated texts are a slow row to read.
            offer=CateringOffer.objects.filter(edition=edition).select_related("day").first(),
        )
        cache.set(key, choices, timeout=SIGN_UP_CHOICES_CACHE_TIMEOUT)
    if choices.offer is not None:
        choices.offer.edition = edition
    return choices


def forget_sign_up_choices(edition_id: int) -> None:
    key = SIGN_UP_CHOICES_CACHE_KEY.format(edition_id=edition_id)
    cache.delete(key)
    local_copies.forget(key)


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
