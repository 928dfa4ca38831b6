"""Reads of the catering, shaped for the pages, e-mails, dashboard and exports."""

from dataclasses import dataclass

from django.db.models import Count

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
