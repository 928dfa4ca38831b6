"""What each e-mail says. The outbox's worker calls `mail_message` at send time
(settings.OUTBOX_MESSAGE_BUILDER); it is written in the person's language."""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.defaultfilters import date as format_date
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from aftercare.certificates import certificate_pdf
from catering.models import CateringOrder
from messaging.models import Message
from outbox.models import OutgoingMail
from program import ical
from program.models import ConferenceDay, ProgramItem
from registration import tickets
from registration.models import Booking, DayAttendance, Registration
from registration.selectors import place_in

from .selectors import (
    registration_calendar,
    registration_catering,
    registration_for_mail,
    registration_ticket,
)

# The mails about one program item (the context names it).
ITEM_KINDS = (OutgoingMail.Kind.PROMOTION, OutgoingMail.Kind.ITEM_CHANGED, OutgoingMail.Kind.ITEM_CANCELLED)

# The mails that carry the person's program as files: the PDF ticket and the calendar (.ics).
CALENDAR_KINDS = (
    OutgoingMail.Kind.CONFIRMATION,
    OutgoingMail.Kind.PROMOTION,
    OutgoingMail.Kind.CHANGED,
    OutgoingMail.Kind.REMINDER,
    OutgoingMail.Kind.APPROVED,
    OutgoingMail.Kind.ITEM_CHANGED,
)
CALENDAR_FILENAME = "my-program.ics"
# The mails after the conference: no program, no ticket, a thank-you rather than "see you".
AFTER_KINDS = (OutgoingMail.Kind.CERTIFICATE, OutgoingMail.Kind.FEEDBACK_INVITATION)


def mail_message(outgoing: OutgoingMail) -> EmailMultiAlternatives:
    registration_id = outgoing.registration_id
    return _mail(outgoing, None if registration_id is None else registration_for_mail(registration_id))


def message_previews(*, message: Message, registration: Registration) -> dict[str, EmailMultiAlternatives]:
    """The organisers' message, not sent yet, as `registration`'s person would get it in each
    language (the back office's preview): built exactly as the mail the outbox sends."""
    registration = registration_for_mail(registration.pk)
    outgoing = OutgoingMail(registration=registration, kind=OutgoingMail.Kind.MESSAGE, to=registration.email)
    previews = {}
    for language, _name in settings.LANGUAGES:
        registration.language = language  # this copy only, never saved
        previews[language] = _mail(outgoing, registration, draft=message)
    return previews


def _mail(
    outgoing: OutgoingMail, registration: Registration | None, draft: Message | None = None
) -> EmailMultiAlternatives:
    with translation.override(registration.language if registration else settings.LANGUAGE_CODE):
        context = mail_context(outgoing, registration, draft=draft)
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


def mail_context(outgoing: OutgoingMail, registration: Registration, draft: Message | None = None) -> dict:
    """`registration` as `registration_for_mail` reads it; `draft`, an organisers' message not
    saved yet (the preview), else the mail's context names the message."""
    bookings = list(registration.bookings.all())
    context = {
        "registration": registration,
        "edition": registration.edition,
        "bookings": bookings,
        "days": list(registration.days.all()),
        "manage_url": registration.get_absolute_manage_url(),
        "ticket_code": tickets.formatted_ticket_code(registration.ticket_code),
        # Where the conference is, with a link to it on the map (the layout and the reminder).
        "venue": ical.venue(registration.edition),
        "map_url": ical.venue_map_url(registration.edition),
    }
    summary = registration_catering(registration)
    if summary is not None and (summary.order or summary.claim):
        context["catering"] = summary
    if "order_id" in outgoing.context:
        context["order"] = (
            CateringOrder.objects.select_related("offer__edition")
            .filter(pk=outgoing.context["order_id"])
            .first()
        )
    if outgoing.kind == OutgoingMail.Kind.MESSAGE:
        context["message"] = draft or Message.objects.filter(pk=outgoing.context.get("message_id")).first()
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
    if outgoing.kind == OutgoingMail.Kind.REMINDER:
        context.update(
            reminder_context(registration, outgoing.context.get("day_id"), context["days"], bookings)
        )
    if outgoing.kind in AFTER_KINDS:
        context.update(after_context(outgoing, registration))
    if outgoing.kind in CALENDAR_KINDS and registration.has_ticket:
        pdf = registration_ticket(registration, summary)
        filename = _("e-ticket") + f"-{registration.edition.number}.pdf"
        context["attachments"] = [
            (filename, pdf, "application/pdf"),
            (CALENDAR_FILENAME, registration_calendar(registration), "text/calendar; method=PUBLISH"),
        ]
    return context


def after_context(outgoing: OutgoingMail, registration: Registration) -> dict:
    """The survey's link, or the certificate as a PDF in the person's language (built now, from
    their check-ins as they are when the mail goes out)."""
    context = {"after_event": True}
    if outgoing.kind == OutgoingMail.Kind.FEEDBACK_INVITATION:
        path = reverse(
            "registration:feedback",
            kwargs={"public_id": registration.public_id, "token": registration.manage_token},
        )
        context["survey_url"] = settings.SITE_URL + path
    else:
        filename = _("certificate-of-attendance") + f"-{registration.edition.number}.pdf"
        context["attachments"] = [(filename, certificate_pdf(registration), "application/pdf")]
    return context


def reminder_context(
    registration: Registration, day_id: int | None, days: list[DayAttendance], bookings: list[Booking]
) -> dict:
    """The reminder's day and the person's items on it (seats and waiting places)."""
    attendance = next((attendance for attendance in days if attendance.day_id == day_id), None)
    day = attendance.day if attendance else ConferenceDay.objects.filter(pk=day_id).first()
    return {
        "reminder_day": day,
        "day_bookings": [booking for booking in bookings if day and booking.item.day == day.date],
    }


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
