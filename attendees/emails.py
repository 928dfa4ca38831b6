"""What each e-mail says. The outbox's worker calls `mail_message` at send time
(settings.OUTBOX_MESSAGE_BUILDER); it is written in the person's language."""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Prefetch, prefetch_related_objects
from django.template.defaultfilters import date as format_date
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from catering.models import CateringOrder
from catering.selectors import catering_for
from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration import tickets
from registration.models import Booking, DayAttendance, Registration
from registration.selectors import place_in

# The mails that carry the person's e-ticket (and, with it, where and when their items are now).
TICKET_KINDS = (
    OutgoingMail.Kind.CONFIRMATION,
    OutgoingMail.Kind.PROMOTION,
    OutgoingMail.Kind.CHANGED,
    OutgoingMail.Kind.ITEM_CHANGED,
)
ITEM_KINDS = (OutgoingMail.Kind.PROMOTION, OutgoingMail.Kind.ITEM_CHANGED, OutgoingMail.Kind.ITEM_CANCELLED)


def mail_message(outgoing: OutgoingMail) -> EmailMultiAlternatives:
    registration = None
    if outgoing.registration_id is not None:
        # Everything the mail shows about the person's registration, in this one query.
        registration = (
            Registration.objects.select_related("edition__catering__day")
            .filter(pk=outgoing.registration_id)
            .first()
        )
    with translation.override(registration.language if registration else settings.LANGUAGE_CODE):
        context = mail_context(outgoing, registration)
        # One layout for every mail; the kind chooses the subject and the opening message.
        context["message_template"] = f"registration/emails/{outgoing.kind}_message.txt"
        subject = render_to_string(f"registration/emails/{outgoing.kind}_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("registration/emails/mail.txt", context),
            to=[outgoing.to],
        )
        message.attach_alternative(render_to_string("registration/emails/mail.html", context), "text/html")
        for filename, content, mimetype in context.get("attachments", ()):
            message.attach(filename, content, mimetype)
    return message


def mail_context(outgoing: OutgoingMail, registration: Registration) -> dict:
    """`registration` comes with the edition and its catering offer and day joined."""
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
    summary = catering_for(registration)
    if summary is not None and (summary.order or summary.claim):
        context["catering"] = summary
    if "order_id" in outgoing.context:
        context["order"] = (
            CateringOrder.objects.select_related("offer__edition")
            .filter(pk=outgoing.context["order_id"])
            .first()
        )
    if outgoing.kind in ITEM_KINDS:
        item_id = outgoing.context.get("item_id")
        context["item"] = ProgramItem.objects.filter(pk=item_id).first()
        # The person's place on the item as it is when the mail goes out (they may have moved up).
        context["booking"] = next((booking for booking in bookings if booking.item_id == item_id), None)
    if outgoing.kind == OutgoingMail.Kind.ITEM_CHANGED:
        context["changes"] = item_change_rows(outgoing.context.get("changes", {}))
        context["clashes"] = [b.item for b in bookings if b.item_id in outgoing.context.get("clashes", [])]
    if outgoing.kind == OutgoingMail.Kind.ITEM_CANCELLED:
        context["had_seat"] = outgoing.context.get("had") == Booking.Status.CONFIRMED
        context["reason"] = outgoing.context.get("reason", "")
    if outgoing.kind in TICKET_KINDS and registration.is_active:
        pdf = tickets.ticket_pdf(registration, bookings)
        filename = _("e-ticket") + f"-{registration.edition.number}.pdf"
        context["attachments"] = [(filename, pdf, "application/pdf")]
    return context


def item_change_rows(changes: dict) -> list[dict]:
    """`registration.selectors.item_changes` as rows (what, before, now) in the active language and
    the site's time zone: for the notice, and for the organiser's page that asks before sending it."""
    language = translation.get_language()
    rows = []
    if "time" in changes:
        (old_start, old_end), (new_start, new_end) = changes["time"]
        rows.append((_("When"), _when(old_start, old_end), _when(new_start, new_end)))
    if "place" in changes:
        old, new = (place_in(place, language) for place in changes["place"])
        if old != new:
            rows.append((_("Place"), old, new))
    if "address" in changes:
        rows.append((_field_label("address"), *changes["address"]))
    if "hosts" in changes:
        rows.append((_field_label("hosts"), *(", ".join(names) for names in changes["hosts"])))
    return [{"label": label, "old": old or "—", "new": new or "—"} for label, old, new in rows]


def _when(starts_at: str, ends_at: str) -> str:
    starts_at, ends_at = (
        timezone.localtime(dt.datetime.fromisoformat(value)) for value in (starts_at, ends_at)
    )
    return f"{format_date(starts_at, 'l, j E Y, H:i')}–{format_date(ends_at, 'H:i')}"


def _field_label(name: str) -> str:
    return capfirst(ProgramItem._meta.get_field(name).verbose_name)
