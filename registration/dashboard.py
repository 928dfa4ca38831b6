"""The organisers' overview of the current edition: a handful of aggregate queries, whatever the
number of people. Every figure links to the admin list behind it."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from program.models import Edition, ProgramItem

from .checkin import day_counts
from .models import Booking, OutgoingMail, Registration


@dataclass
class Figure:
    label: str
    value: int
    url: str = ""
    # "warning" draws the eye (failed mails); empty for ordinary figures.
    tone: str = ""


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)


@dataclass
class ItemFill:
    item: ProgramItem
    url: str
    waiting_url: str

    @property
    def percent(self) -> int:
        return (
            min(100, round(100 * self.item.seats_taken / self.item.capacity)) if self.item.capacity else 100
        )


@dataclass
class Dashboard:
    edition: Edition
    sections: list[Section]
    items: list[ItemFill]


def _changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def extra_sections(edition: Edition) -> list[Section]:
    """Sections other features add to the dashboard (catering orders, Małopolska free tickets,
    bank transfers — after their merge). Each must stay within a query or two."""
    return []


def dashboard(edition: Edition) -> Dashboard:
    in_edition = {"edition__id__exact": edition.pk}
    statuses = Registration.objects.filter(edition=edition).aggregate(
        active=Count("pk", filter=Q(status=Registration.Status.ACTIVE)),
        cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
    )
    registrations = Section(
        _("Registrations"),
        [
            Figure(
                Registration.Status.ACTIVE.label,
                statuses["active"],
                _changelist(Registration, status__exact=Registration.Status.ACTIVE, **in_edition),
            ),
            Figure(
                Registration.Status.CANCELLED.label,
                statuses["cancelled"],
                _changelist(Registration, status__exact=Registration.Status.CANCELLED, **in_edition),
            ),
        ],
    )
    days = Section(_("Attendance per day"))
    for day in day_counts(edition):
        active_on_day = {"status__exact": Registration.Status.ACTIVE, "day": day.pk, **in_edition}
        days.figures += [
            Figure(
                _("%(day)s — registered for the day") % {"day": day},
                day.expected,
                _changelist(Registration, **active_on_day),
            ),
            Figure(
                _("%(day)s — checked in") % {"day": day},
                day.checked_in,
                _changelist(Registration, checked_in="yes", **active_on_day),
            ),
        ]
    mail_states = OutgoingMail.objects.filter(
        Q(registration__edition=edition) | Q(registration__isnull=True)
    ).aggregate(
        queued=Count(
            "pk", filter=Q(state__in=[OutgoingMail.State.QUEUED, OutgoingMail.State.AWAITING_RETRY])
        ),
        failed=Count("pk", filter=Q(state=OutgoingMail.State.FAILED)),
    )
    mails = Section(
        _("E-mails"),
        [
            Figure(
                _("waiting to be sent"),
                mail_states["queued"],
                _changelist(
                    OutgoingMail,
                    state__in=",".join([OutgoingMail.State.QUEUED, OutgoingMail.State.AWAITING_RETRY]),
                ),
            ),
            Figure(
                _("failed"),
                mail_states["failed"],
                _changelist(OutgoingMail, state__exact=OutgoingMail.State.FAILED),
                tone="warning" if mail_states["failed"] else "",
            ),
        ],
    )
    items = [
        ItemFill(
            item=item,
            url=_changelist(Registration, item=item.pk, **in_edition),
            waiting_url=_changelist(
                Registration, item=item.pk, place=Booking.Status.WAITLISTED, **in_edition
            ),
        )
        for item in ProgramItem.objects.filter(edition=edition, capacity__isnull=False).order_by(
            "starts_at", "title"
        )
    ]
    return Dashboard(
        edition=edition, sections=[registrations, days, mails, *extra_sections(edition)], items=items
    )
