"""Reads of the catering, shaped for the pages, e-mails, dashboard and exports."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField

from common.prepared import PreparedQuery, Slot
from program.models import Edition
from registration.models import Registration

from .models import CateringOffer, CateringOrder, FreeTicketClaim
from .payments import PaymentInstructions, payment_method_for


@dataclass(frozen=True)
class CateringSummary:
    """A person's catering as the pages and e-mails show it."""

    offer: CateringOffer
    order: CateringOrder | None
    claim: FreeTicketClaim | None
    payment: PaymentInstructions | None


# A person's live order and latest claim (their pages), compiled once (common.prepared).
_LIVE_ORDER = PreparedQuery(
    lambda: CateringOrder.objects.filter(
        registration_id=Slot("registration", IntegerField()), status__in=CateringOrder.LIVE
    ).order_by("-created_at")[:1]
)
_LATEST_CLAIM = PreparedQuery(
    lambda: FreeTicketClaim.objects.filter(registration_id=Slot("registration", IntegerField())).order_by(
        "-created_at"
    )[:1]
)


def catering_for(
    registration: Registration,
    *,
    offer: CateringOffer | None = None,
    read_order: bool = True,
    read_claim: bool = True,
) -> CateringSummary | None:
    """The live order and the latest claim, with the transfer details if a payment is due; None
    when the edition has no catering. `offer`: the edition's offer, which the caller has already
    (otherwise `registration.edition.catering`, a query unless the caller joined it).
    `read_order`, `read_claim` False: the caller read with the registration that it holds no live
    order, no claim (no query for it then)."""
    if offer is None:
        try:
            offer = registration.edition.catering
        except CateringOffer.DoesNotExist:
            return None
    order = next(iter(_LIVE_ORDER(registration=registration.pk)), None) if read_order else None
    if order is not None:
        order.offer, order.registration = offer, registration  # loaded already
    claim = next(iter(_LATEST_CLAIM(registration=registration.pk)), None) if read_claim else None
    if claim is not None:
        claim.registration = registration
    payment = None
    if order is not None and order.awaits_payment:
        payment = payment_method_for(order).instructions(order)
    return CateringSummary(offer=offer, order=order, claim=claim, payment=payment)


def orders_awaiting_payment(edition: Edition):
    """The paid meals whose transfer has not arrived yet (the organisers write to these buyers)."""
    return CateringOrder.objects.filter(offer__edition=edition, status=CateringOrder.Status.AWAITING_PAYMENT)


def catering_diet_counts(edition: Edition) -> dict[str, int]:
    """Meals per diet for the caterer: every held meal (paid, awaiting payment, free), all diets
    listed even at zero. The notes of "other" are in `catering_diet_notes`."""
    counts = dict.fromkeys(CateringOrder.Diet.values, 0)
    rows = (
        CateringOrder.objects.filter(offer__edition=edition, status__in=CateringOrder.MEALS)
        .values("diet")
        .annotate(count=Count("id"))
    )
    counts.update({row["diet"]: row["count"] for row in rows})
    return counts


def catering_diet_notes(edition: Edition) -> list[str]:
    return list(
        CateringOrder.objects.filter(offer__edition=edition, status__in=CateringOrder.MEALS)
        .exclude(diet_note="")
        .order_by("id")
        .values_list("diet_note", flat=True)
    )
