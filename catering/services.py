"""Conference-day catering and the free Małopolska tickets: every change to them.

Locks follow registration.locking: the person's registration row (registration_lock), then any
program items (registration's own services), then the edition's CateringOffer row, then catering
order and claim rows in primary-key order. Only then are the counters on CateringOffer read and
changed; its check constraints back them up (paid meals within capacity minus the free quota, free
tickets within the quota).

Who counts what: `paid_taken` counts orders awaiting payment or paid; `free_taken` counts claims
that are pending or approved (each has a FREE order: its meal is reserved out of the capacity).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from outbox.models import OutgoingMail
from outbox.services import mail_queue
from program.models import ConferenceDay, Edition
from program.selectors import counts_changed
from program.services import Shift
from registration import locking
from registration.models import Registration
from registration.services import registration_lock

from .errors import CateringError
from .models import CATERING_SETTINGS, CateringOffer, CateringOrder, FreeTicketClaim

Status = CateringOrder.Status
ClaimStatus = FreeTicketClaim.Status


@dataclass(frozen=True, kw_only=True)
class InvoiceData:
    name: str
    address: str
    nip: str = ""


@dataclass(frozen=True, kw_only=True)
class ClaimRequest:
    """A claim to a free Małopolska ticket. `fallback_paid`: buy the catering while waiting for a
    ticket, and keep it paid if the claim is rejected."""

    basis: str
    town: str
    organisation: str = ""
    fallback_paid: bool = False


@dataclass(frozen=True, kw_only=True)
class CateringRequest:
    """The catering a person asks for at sign-up: paid, or (with `claim`) a free ticket."""

    diet: str = CateringOrder.Diet.STANDARD
    diet_note: str = ""
    claim: ClaimRequest | None = None
    invoice: InvoiceData | None = None


def can_order_paid(offer: CateringOffer, now: dt.datetime) -> bool:
    """Paid catering can be ordered while registration is open and there is a day left to pay."""
    return offer.edition.is_registration_open(now) and timezone.localdate(now) <= offer.last_payment_day


def _lock_offer_if_any(edition_id: int) -> CateringOffer | None:
    offers = locking.lock_rows(
        CateringOffer.objects.select_for_update(of=("self",))
        .select_related("edition", "day")
        .filter(edition_id=edition_id)
    )
    return offers[0] if offers else None


def _lock_offer(edition_id: int) -> CateringOffer:
    offer = _lock_offer_if_any(edition_id)
    if offer is None:
        raise CateringError("no_catering")
    return offer


def _cancel(order: CateringOrder, *, now: dt.datetime) -> None:
    """The meal is no longer held; the order stays for the bank reconciliation. Caller saves."""
    order.status = Status.CANCELLED
    order.cancelled_at = now


def _check_day(registration: Registration, offer: CateringOffer) -> None:
    if not registration.days.filter(day=offer.day).exists():
        raise CateringError("catering_day", date=f"{offer.day.date:%d.%m.%Y}")


def check_days_keep_catering(*, registration: Registration, days: Iterable) -> None:
    """Refuse leaving out the catering day while the catering (or a claim to it) is live."""
    order = (
        CateringOrder.objects.filter(registration=registration, status__in=CateringOrder.LIVE)
        .select_related("offer__day")
        .first()
    )
    if order is not None and order.offer.day not in days:
        raise CateringError("catering_day", date=f"{order.offer.day.date:%d.%m.%Y}")


def _live_order(registration: Registration) -> CateringOrder | None:
    orders = CateringOrder.objects.select_for_update().filter(
        registration=registration, status__in=CateringOrder.LIVE
    )
    return next(iter(locking.lock_rows(orders)), None)


def _live_claim(registration: Registration) -> FreeTicketClaim | None:
    claims = FreeTicketClaim.objects.select_for_update().filter(
        registration=registration, status__in=[*FreeTicketClaim.HOLDS_PLACE, ClaimStatus.WAITLISTED]
    )
    return next(iter(locking.lock_rows(claims)), None)


def _make_payable(order: CateringOrder, offer: CateringOffer, *, now: dt.datetime) -> None:
    """Turn the order into a paid meal awaiting a transfer. The caller holds the offer's lock."""
    today = timezone.localdate(now)
    if today > offer.last_payment_day:
        raise CateringError("catering_closed")
    if offer.paid_left <= 0:
        raise CateringError("catering_full")
    offer.paid_taken += 1
    order.status = Status.AWAITING_PAYMENT
    order.amount = offer.price
    order.payment_due = offer.payment_due(today)
    order.paid_on = None
    order.reminder_sent_at = None


def _save_offer(offer: CateringOffer) -> None:
    # update(), like the items' counters: no signal, so the sign-up form's cached choices stay. The
    # form's cached page shows the meals and tickets left: stale at commit (as for seats).
    CateringOffer.objects.filter(pk=offer.pk).update(
        paid_taken=offer.paid_taken,
        free_taken=offer.free_taken,
        free_waitlist_length=offer.free_waitlist_length,
    )
    transaction.on_commit(counts_changed)


# --- sign-up and the attendee's changes ----------------------------------------------------------


def catering_take(*, registration: Registration, request: CateringRequest, now: dt.datetime) -> CateringOrder:
    """Give the new registration its catering: a free ticket if one is left (or a waiting place
    for one), else a paid meal. Called by registration_create after the seats are taken, inside
    its transaction, so the offer's lock comes after the items' locks."""
    offer = _lock_offer(registration.edition_id)
    _check_day(registration, offer)
    order = CateringOrder(
        registration=registration,
        offer=offer,
        diet=request.diet,
        diet_note=request.diet_note,
        **_invoice_fields(request.invoice),
    )
    claim = request.claim
    wants_paid = claim is None or claim.fallback_paid
    if claim is not None:
        place = offer.free_left > 0
        FreeTicketClaim.objects.create(
            registration=registration,
            offer=offer,
            basis=claim.basis,
            organisation=claim.organisation,
            town=claim.town,
            fallback_paid=claim.fallback_paid,
            status=ClaimStatus.PENDING if place else ClaimStatus.WAITLISTED,
            waitlist_position=None if place else offer.free_waitlist_length + 1,
        )
        if place:
            offer.free_taken += 1
            order.status = Status.FREE
        else:
            offer.free_waitlist_length += 1
            order.status = Status.WAITING
    if order.status != Status.FREE and wants_paid:
        _make_payable(order, offer, now=now)
    order.save()
    _save_offer(offer)
    return order


def _invoice_fields(invoice: InvoiceData | None) -> dict:
    if invoice is None:
        return {}
    return {"invoice_name": invoice.name, "invoice_nip": invoice.nip, "invoice_address": invoice.address}


def catering_add(
    *,
    registration: Registration,
    diet: str,
    diet_note: str = "",
    invoice: InvoiceData | None = None,
    now: dt.datetime | None = None,
) -> CateringOrder:
    """Order the paid catering after signing up (the management page)."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = registration_lock(registration=registration)
        offer = _lock_offer(registration.edition_id)  # rank 3 before the orders (registration.locking)
        if _live_order(registration) is not None:
            raise CateringError("catering_exists")
        if not can_order_paid(offer, now):
            raise CateringError("catering_closed")
        _check_day(registration, offer)
        order = CateringOrder(
            registration=registration, offer=offer, diet=diet, diet_note=diet_note, **_invoice_fields(invoice)
        )
        _make_payable(order, offer, now=now)
        order.save()
        _save_offer(offer)
        mail_queue(registration=registration, kind=OutgoingMail.Kind.CHANGED)
    return order


def catering_set_diet(*, registration: Registration, diet: str, diet_note: str = "") -> CateringOrder:
    with transaction.atomic():
        registration = registration_lock(registration=registration)
        order = _live_order(registration)
        if order is None:
            raise CateringError("catering_none")
        order.diet, order.diet_note = diet, diet_note
        order.save(update_fields=["diet", "diet_note"])
    return order


def catering_drop(*, registration: Registration, now: dt.datetime | None = None) -> None:
    """Give up the catering (and a free ticket or a waiting place for one). A paid order is
    refused: the money has to be refunded by a person."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = registration_lock(registration=registration)
        # The offer before the order: a promotion to a free ticket holds the offer and then locks
        # the promoted person's order, who may be the one dropping (registration.locking).
        offer = _lock_offer(registration.edition_id)
        order = _live_order(registration)
        if order is None:
            raise CateringError("catering_none")
        if order.status == Status.PAID:
            raise CateringError("catering_paid")
        _release_all(registration, offer, now=now)
        mail_queue(registration=registration, kind=OutgoingMail.Kind.CHANGED)


def catering_release_all(*, registration: Registration, now: dt.datetime) -> None:
    """Cancel the registration's live order and claim, free what they held and promote the
    next people waiting for a free ticket. The caller holds the registration's lock (and any
    item locks) in an atomic block; used by cancellation (catering.receivers)."""
    offer = _lock_offer_if_any(registration.edition_id)
    if offer is not None:
        _release_all(registration, offer, now=now)


def _release_all(registration: Registration, offer: CateringOffer, *, now: dt.datetime) -> None:
    """catering_release_all with the offer locked by the caller."""
    order = _live_order(registration)
    claim = _live_claim(registration)
    if order is None and claim is None:
        return
    if order is not None:
        if order.status in CateringOrder.PAID_MEAL:
            offer.paid_taken -= 1
        _cancel(order, now=now)
        order.save(update_fields=["status", "cancelled_at"])
    if claim is not None:
        _give_up_claim(claim, offer)
        claim.status = ClaimStatus.CANCELLED
        claim.save(update_fields=["status", "waitlist_position"])
        _promote_claims(offer, now=now)
    _save_offer(offer)


def _give_up_claim(claim: FreeTicketClaim, offer: CateringOffer) -> None:
    """Free the quota place the claim holds, or close the gap its waiting place leaves."""
    if claim.holds_place:
        offer.free_taken -= 1
    elif claim.status == ClaimStatus.WAITLISTED:
        FreeTicketClaim.objects.filter(
            offer=offer, status=ClaimStatus.WAITLISTED, waitlist_position__gt=claim.waitlist_position
        ).update(waitlist_position=F("waitlist_position") - 1)
        offer.free_waitlist_length -= 1
        claim.waitlist_position = None


def _promote_claims(offer: CateringOffer, *, now: dt.datetime) -> list[FreeTicketClaim]:
    """Give free quota places to the first people waiting, in order, and tell them. Their order
    becomes the free meal; a paid meal they held is given back (an already paid one stays marked
    paid, which is how the organisers see the refund due). The caller holds the offer's lock."""
    count = min(offer.free_left, offer.free_waitlist_length)
    if count <= 0:
        return []
    promoted = list(
        FreeTicketClaim.objects.filter(
            offer=offer, status=ClaimStatus.WAITLISTED, waitlist_position__lte=count
        ).select_related("registration")
    )
    FreeTicketClaim.objects.filter(pk__in=[claim.pk for claim in promoted]).update(
        status=ClaimStatus.PENDING, waitlist_position=None
    )
    FreeTicketClaim.objects.filter(offer=offer, status=ClaimStatus.WAITLISTED).update(
        waitlist_position=F("waitlist_position") - count
    )
    offer.free_taken += count
    offer.free_waitlist_length -= count
    orders = CateringOrder.objects.select_for_update().filter(
        registration__in=[claim.registration_id for claim in promoted], status__in=CateringOrder.LIVE
    )
    for order in locking.lock_rows(orders):
        if order.status in CateringOrder.PAID_MEAL:
            offer.paid_taken -= 1
        if order.status != Status.PAID:
            order.amount = 0
            order.payment_due = None
        order.status = Status.FREE
        order.save(update_fields=["status", "amount", "payment_due"])
    for claim in promoted:
        mail_queue(registration=claim.registration, kind=OutgoingMail.Kind.CLAIM_PROMOTED)
    return promoted


# --- organisers -----------------------------------------------------------------------------------


def claim_approve(*, claim: FreeTicketClaim, now: dt.datetime | None = None) -> FreeTicketClaim:
    """Confirm a free ticket after checking the claim; the person is told."""
    now = now or timezone.now()
    with transaction.atomic():
        [claim] = locking.lock_rows(
            FreeTicketClaim.objects.select_for_update(of=("self",))
            .select_related("registration")
            .filter(pk=claim.pk)
        )
        if claim.status != ClaimStatus.PENDING:
            raise CateringError("claim_not_pending")
        claim.status = ClaimStatus.APPROVED
        claim.decided_at = now
        claim.save(update_fields=["status", "decided_at"])
        mail_queue(registration=claim.registration, kind=OutgoingMail.Kind.CLAIM_APPROVED)
    return claim


def claim_reject(*, claim: FreeTicketClaim, reason: str, now: dt.datetime | None = None) -> FreeTicketClaim:
    """Refuse a claim with a reason the person reads. Their catering falls back to a paid meal if
    they asked for that (and one is left), otherwise it is cancelled; the quota place goes to the
    next person waiting."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise CateringError("reason_required")
    with transaction.atomic():
        registration = locking.lock_registration(claim.registration_id)
        offer = _lock_offer(registration.edition_id)
        [claim] = locking.lock_rows(FreeTicketClaim.objects.select_for_update().filter(pk=claim.pk))
        if claim.status not in (ClaimStatus.PENDING, ClaimStatus.WAITLISTED):
            raise CateringError("claim_not_open")
        _give_up_claim(claim, offer)
        claim.status = ClaimStatus.REJECTED
        claim.rejection_reason = reason
        claim.decided_at = now
        claim.save(update_fields=["status", "waitlist_position", "rejection_reason", "decided_at"])
        order = _live_order(registration)
        if order is not None and order.status in (Status.FREE, Status.WAITING):
            if (
                claim.fallback_paid
                and offer.paid_left > 0
                and timezone.localdate(now) <= offer.last_payment_day
            ):
                _make_payable(order, offer, now=now)
            else:
                _cancel(order, now=now)
            order.save()
        _promote_claims(offer, now=now)
        _save_offer(offer)
        mail_queue(registration=registration, kind=OutgoingMail.Kind.CLAIM_REJECTED)
    return claim


def catering_orders_mark_paid(*, orders: Iterable[CateringOrder], paid_on: dt.date) -> list[CateringOrder]:
    """Record the transfers for the orders awaiting payment among `orders`; each person gets a
    receipt. Others (already paid, released, free) are left as they are. Returns those marked."""
    with transaction.atomic():
        locked = locking.lock_rows(
            CateringOrder.objects.select_for_update(of=("self",))
            .filter(pk__in=[order.pk for order in orders], status=Status.AWAITING_PAYMENT)
            .select_related("registration")
        )
        for order in locked:
            order.status = Status.PAID
            order.paid_on = paid_on
            order.save(update_fields=["status", "paid_on"])
            mail_queue(
                registration=order.registration,
                kind=OutgoingMail.Kind.PAYMENT_RECEIVED,
                context={"order_id": order.pk},
            )
    return locked


@dataclass(frozen=True)
class DeadlineReport:
    reminded: int
    released: int


def catering_deadlines(*, now: dt.datetime | None = None) -> DeadlineReport:
    """Remind people whose transfer is due within the offer's reminder days, and release the
    meals of those past the deadline (nothing else of their registration changes). Safe to run
    any number of times: each reminder is sent once, a released order is not awaiting payment."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    awaiting = CateringOrder.objects.filter(status=Status.AWAITING_PAYMENT)
    reminded = 0
    for order in awaiting.filter(reminder_sent_at__isnull=True, payment_due__gte=today).select_related(
        "registration", "offer"
    ):
        if order.payment_due - today > dt.timedelta(days=order.offer.reminder_days):
            continue
        with transaction.atomic():
            # The conditional update is the once-only guard even if two runs overlap.
            if CateringOrder.objects.filter(
                pk=order.pk, status=Status.AWAITING_PAYMENT, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now):
                mail_queue(
                    registration=order.registration,
                    kind=OutgoingMail.Kind.PAYMENT_REMINDER,
                    context={"order_id": order.pk},
                )
                reminded += 1
    released = 0
    for order in awaiting.filter(payment_due__lt=today).select_related("registration"):
        if _release_unpaid(order, now=now):
            released += 1
    return DeadlineReport(reminded=reminded, released=released)


def _release_unpaid(order: CateringOrder, *, now: dt.datetime) -> bool:
    with transaction.atomic():
        locking.lock_registration(order.registration_id)
        offer = _lock_offer(order.registration.edition_id)
        [order] = locking.lock_rows(
            CateringOrder.objects.select_for_update(of=("self",))
            .select_related("registration")
            .filter(pk=order.pk)
        )
        if order.status != Status.AWAITING_PAYMENT or order.payment_due >= timezone.localdate(now):
            return False  # paid or changed meanwhile
        _cancel(order, now=now)
        order.save(update_fields=["status", "cancelled_at"])
        offer.paid_taken -= 1
        # Waiting for a free ticket goes on: the person only loses the paid meal.
        claim = _live_claim(order.registration)
        if claim is not None and claim.status == ClaimStatus.WAITLISTED:
            CateringOrder.objects.create(
                registration=order.registration,
                offer=offer,
                status=Status.WAITING,
                diet=order.diet,
                diet_note=order.diet_note,
            )
        _save_offer(offer)
        mail_queue(
            registration=order.registration,
            kind=OutgoingMail.Kind.CATERING_RELEASED,
            context={"order_id": order.pk},
        )
    return True


def catering_anonymise(*, registration: Registration) -> None:
    """Erase the personal data of the catering (RODO); amounts and dates stay for the accounts."""
    CateringOrder.objects.filter(registration=registration).update(
        diet_note="", invoice_name="", invoice_nip="", invoice_address=""
    )
    FreeTicketClaim.objects.filter(registration=registration).update(organisation="", rejection_reason="")


def catering_offer_update(
    *, offer: CateringOffer, values: Mapping[str, Any], now: dt.datetime | None = None
) -> CateringOffer:
    """Change the offer's settings (an organiser's edit; CATERING_SETTINGS only, the counters
    stay). Fewer meals than are held, or a quota below the free tickets given, is refused; a larger
    quota goes at once to the people waiting for a free ticket, in their order."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_offer(offer.edition_id)
        for name in CATERING_SETTINGS:
            if name in values:
                setattr(locked, name, values[name])
        if locked.free_ticket_quota < locked.free_taken:
            raise CateringError("quota_below_taken", taken=locked.free_taken)
        if locked.capacity - locked.free_ticket_quota < locked.paid_taken:
            raise CateringError("capacity_below_taken", taken=locked.paid_taken + locked.free_ticket_quota)
        locked.save(update_fields=CATERING_SETTINGS)
        _promote_claims(locked, now=now)
        _save_offer(locked)
    return locked


def catering_offer_load(*, edition: Edition, spec: Mapping[str, Any], shift: Shift) -> CateringOffer:
    """Create a new edition's offer from its data file's `catering` part (backoffice.editions)."""
    offer = CateringOffer(
        edition=edition,
        day=ConferenceDay.objects.get(edition=edition, date=shift.date(spec["day"])),
        price=Decimal(spec["price"]),
        capacity=spec["capacity"],
        free_ticket_quota=spec.get("free_ticket_quota", 0),
        account_holder=spec["account_holder"],
        account_number=spec["account_number"],
        recipient_nip=spec.get("recipient_nip", ""),
        payment_days=spec.get("payment_days", 7),
        reminder_days=spec.get("reminder_days", 2),
        assumptions=spec.get("assumptions", ""),
    )
    offer.clean()
    offer.full_clean()
    offer.save()
    return offer
