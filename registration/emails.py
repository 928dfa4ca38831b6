"""What each e-mail shows. Rendered by the worker at send time, in the person's language."""

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from program.models import ProgramItem

from . import selectors, tickets
from .models import Booking, CateringOrder, DayAttendance, OutgoingMail


def mail_context(outgoing: OutgoingMail) -> dict:
    """`outgoing` comes with its registration, the edition and its catering offer and day joined
    (registration.mail.send_outgoing_mail loads it so)."""
    registration = outgoing.registration
    prefetch_related_objects(
        [registration],
        Prefetch("bookings", queryset=Booking.objects.select_related("item")),
        Prefetch("days", queryset=DayAttendance.objects.select_related("day")),
    )
    bookings = list(registration.bookings.all())
    context = {
        "registration": registration,
        "edition": registration.edition,
        "bookings": bookings,
        "days": list(registration.days.all()),
        "manage_url": registration.get_absolute_manage_url(),
        "ticket_code": tickets.formatted_ticket_code(registration.ticket_code),
    }
    summary = selectors.catering_for(registration)
    if summary is not None and (summary.order or summary.claim):
        context["catering"] = summary
    if "order_id" in outgoing.context:
        context["order"] = (
            CateringOrder.objects.select_related("offer__edition")
            .filter(pk=outgoing.context["order_id"])
            .first()
        )
    if outgoing.kind == OutgoingMail.Kind.PROMOTION:
        context["item"] = ProgramItem.objects.filter(pk=outgoing.context.get("item_id")).first()
    if (
        outgoing.kind
        in (
            OutgoingMail.Kind.CONFIRMATION,
            OutgoingMail.Kind.PROMOTION,
            OutgoingMail.Kind.CHANGED,
        )
        and registration.is_active
    ):
        pdf = tickets.ticket_pdf(registration, bookings)
        filename = _("e-ticket") + f"-{registration.edition.number}.pdf"
        context["attachments"] = [(filename, pdf, "application/pdf")]
    return context
