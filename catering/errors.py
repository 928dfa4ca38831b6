"""The catering's domain error: a rule about meals, free tickets or payments said no."""

from django.utils.translation import gettext_lazy as _

from registration.errors import DomainError


class CateringError(DomainError):
    MESSAGES = {
        "no_catering": _("This edition offers no catering."),
        "catering_day": _(
            "The catering is served on %(date)s: choose that day too, or leave out the catering."
        ),
        "catering_full": _("The paid catering is sold out. Register without it, or ask for a free ticket."),
        "catering_closed": _("Catering can no longer be ordered."),
        "catering_exists": _("You have already ordered the catering."),
        "catering_none": _("You have not ordered the catering."),
        "catering_paid": _(
            "Your catering is paid: write to the organisers if you cannot come, they will refund it."
        ),
        "claim_not_pending": _("Only a claim that awaits verification can be approved."),
        "claim_not_open": _(
            "Only a claim that awaits verification or is on the waiting list can be rejected."
        ),
        "reason_required": _("Give the reason for rejecting the claim: the person will read it."),
        "capacity_below_taken": _(
            "The meals cannot be fewer than the %(taken)s already held "
            "(paid meals and the free-ticket quota)."
        ),
        "quota_below_taken": _(
            "The free-ticket quota cannot be lower than the %(taken)s tickets already given."
        ),
    }
