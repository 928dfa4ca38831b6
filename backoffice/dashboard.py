"""The organisers' overview of the current edition: a handful of aggregate queries, whatever the
number of people. Every figure links to the admin list behind it."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftercare.selectors import FeedbackResults, feedback_results
from catering.models import CateringOffer, CateringOrder, FreeTicketClaim
from outbox.models import OutgoingMail
from program.models import ConferenceDay, Edition, ProgramItem
from registration.checkin import day_counts
from registration.models import Booking, Registration
from registration.reminders import reminder_date

# Mails the worker has still to send: the dashboard's "waiting to be sent".
WAITING_STATES = [OutgoingMail.State.QUEUED, OutgoingMail.State.AWAITING_RETRY]


@dataclass
class Figure:
    label: str
    value: int
    url: str = ""
    # "warning" draws the eye (failed mails); empty for ordinary figures.
    tone: str = ""
    # Shown as "value / of" when set (free tickets taken of the quota).
    of: int | None = None


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    slug: str = ""
    # A sentence under the title (when the reminders go out).
    note: str = ""


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
    # The edition sells catering: the page links the caterer's and the accountant's lists.
    catering: bool = False
    # Once the edition is over: the survey's results (anonymous), and the certificates' links.
    feedback: FeedbackResults | None = None


def _changelist(model, **params) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def extra_sections(edition: Edition) -> list[Section]:
    """Sections other features add to the dashboard. Each must stay within a query or two."""
    return catering_sections(edition)


def catering_sections(edition: Edition) -> list[Section]:
    """Catering (meals by payment state and by diet) and the Małopolska free tickets (quota used,
    claims by state): two aggregate queries. Payment and claim figures link to the registrations
    list, where the actions are; diets to the catering orders."""
    claim_count = {
        status: Count("claims", filter=Q(claims__status=status)) for status in FreeTicketClaim.Status.values
    }
    offer = CateringOffer.objects.filter(edition=edition).values("free_ticket_quota", **claim_count).first()
    if offer is None:
        return []
    meals = Q(status__in=CateringOrder.MEALS)
    orders = CateringOrder.objects.filter(offer__edition=edition).aggregate(
        meals=Count("pk", filter=meals),
        **{status: Count("pk", filter=Q(status=status)) for status in CateringOrder.LIVE},
        **{f"diet_{diet}": Count("pk", filter=meals & Q(diet=diet)) for diet in CateringOrder.Diet.values},
    )
    in_edition = {"edition__id__exact": edition.pk}
    Status = CateringOrder.Status
    catering = Section(
        _("Catering"),
        [
            Figure(
                ngettext("meals ordered", "meals ordered", orders["meals"]),
                orders["meals"],
                _changelist(Registration, catering="meal", **in_edition),
            ),
            *(
                Figure(label, orders[status], _changelist(Registration, catering=status, **in_edition))
                for status, label in [
                    (Status.PAID, ngettext("paid", "paid", orders[Status.PAID])),
                    (
                        Status.AWAITING_PAYMENT,
                        ngettext("awaiting payment", "awaiting payment", orders[Status.AWAITING_PAYMENT]),
                    ),
                    (
                        Status.FREE,
                        ngettext("free (Małopolska ticket)", "free (Małopolska ticket)", orders[Status.FREE]),
                    ),
                ]
            ),
            *(
                Figure(
                    ngettext("%(diet)s — meals", "%(diet)s — meals", orders[f"diet_{diet}"])
                    % {"diet": CateringOrder.Diet(diet).label},
                    orders[f"diet_{diet}"],
                    _changelist(
                        CateringOrder,
                        offer__edition__id__exact=edition.pk,
                        diet__exact=diet,
                        status__in=",".join(CateringOrder.MEALS),
                    ),
                )
                for diet in CateringOrder.Diet.values
            ),
        ],
        slug="catering",
    )
    Claim = FreeTicketClaim.Status
    taken = offer[Claim.PENDING] + offer[Claim.APPROVED]
    tickets = Section(
        _("Free tickets for Małopolska"),
        [
            Figure(
                _("free tickets taken of the quota"),
                taken,
                _changelist(
                    FreeTicketClaim,
                    offer__edition__id__exact=edition.pk,
                    status__in=",".join(FreeTicketClaim.HOLDS_PLACE),
                ),
                of=offer["free_ticket_quota"],
            ),
            *(
                Figure(
                    label,
                    offer[status],
                    _changelist(Registration, free_ticket=status, **in_edition),
                    tone="warning" if status == Claim.PENDING and offer[status] else "",
                )
                for status, label in [
                    (Claim.PENDING, _("claims awaiting verification")),
                    (Claim.APPROVED, _("approved")),
                    (Claim.WAITLISTED, _("waiting for a free ticket")),
                    (Claim.REJECTED, _("rejected")),
                ]
            ),
        ],
        slug="free_tickets",
    )
    return [catering, tickets]


def reminder_section(edition: Edition, days: list[ConferenceDay]) -> Section:
    """Per day, the reminders waiting to be sent and sent (one query), and the date they go out."""
    reminders = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.REMINDER, registration__edition=edition)
    counts = {
        row["day_id"]: row
        for row in reminders.values(day_id=KT("context__day_id")).annotate(
            waiting=Count("pk", filter=Q(state__in=WAITING_STATES)),
            sent=Count("pk", filter=Q(state=OutgoingMail.State.SENT)),
        )
    }
    section = Section(_("Reminders before each day"), slug="reminders")
    kind = {"kind__exact": OutgoingMail.Kind.REMINDER}
    for day in days:
        mails = counts.get(str(day.pk), {"waiting": 0, "sent": 0})
        section.figures += [
            Figure(
                _("%(day)s — reminders waiting to be sent") % {"day": day},
                mails["waiting"],
                _changelist(OutgoingMail, state__in=",".join(WAITING_STATES), **kind),
            ),
            Figure(
                _("%(day)s — reminders sent") % {"day": day},
                mails["sent"],
                _changelist(OutgoingMail, state__exact=OutgoingMail.State.SENT, **kind),
            ),
        ]
    if not edition.reminder_days_before:
        section.note = _("This edition sends no reminders (see the edition's reminder days).")
    elif days:
        section.note = ngettext(
            "Reminders go out %(count)d day before each day: %(dates)s.",
            "Reminders go out %(count)d days before each day: %(dates)s.",
            edition.reminder_days_before,
        ) % {
            "count": edition.reminder_days_before,
            "dates": "; ".join(
                _("on %(date)s for %(day)s")
                # written as the days are (ConferenceDay.__str__), which the sentence names
                % {"date": f"{reminder_date(day, edition):%d.%m.%Y}", "day": day}
                for day in days
            ),
        }
    return section


def dashboard(edition: Edition) -> Dashboard:
    in_edition = {"edition__id__exact": edition.pk}
    statuses = Registration.objects.filter(edition=edition).aggregate(
        active=Count("pk", filter=Q(status=Registration.Status.ACTIVE)),
        cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
        awaiting=Count("pk", filter=Q(status=Registration.Status.ACTIVE, awaiting_approval=True)),
    )
    # Each label under a number agrees with it in Polish: "1 aktywna", "2 aktywne", "5 aktywnych"
    # (English says the same either way: a label).
    registrations = Section(
        _("Registrations"),
        [
            Figure(
                ngettext("Active", "Active", statuses["active"]),
                statuses["active"],
                _changelist(Registration, status__exact=Registration.Status.ACTIVE, **in_edition),
            ),
            Figure(
                ngettext("Cancelled", "Cancelled", statuses["cancelled"]),
                statuses["cancelled"],
                _changelist(Registration, status__exact=Registration.Status.CANCELLED, **in_edition),
            ),
        ],
    )
    if edition.registrations_need_approval or statuses["awaiting"]:
        registrations.figures.append(
            Figure(
                ngettext("Awaiting approval", "Awaiting approval", statuses["awaiting"]),
                statuses["awaiting"],
                _changelist(
                    Registration,
                    status__exact=Registration.Status.ACTIVE,
                    approval="awaiting",
                    **in_edition,
                ),
                tone="warning" if statuses["awaiting"] else "",
            )
        )
    days = Section(_("Attendance per day"))
    conference_days = day_counts(edition)
    for day in conference_days:
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
        queued=Count("pk", filter=Q(state__in=WAITING_STATES)),
        failed=Count("pk", filter=Q(state=OutgoingMail.State.FAILED)),
    )
    mails = Section(
        _("E-mails"),
        [
            Figure(
                ngettext("waiting to be sent", "waiting to be sent", mail_states["queued"]),
                mail_states["queued"],
                _changelist(OutgoingMail, state__in=",".join(WAITING_STATES)),
            ),
            Figure(
                ngettext("failed", "failed", mail_states["failed"]),
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
    extra = extra_sections(edition)
    return Dashboard(
        edition=edition,
        sections=[registrations, days, reminder_section(edition, conference_days), mails, *extra],
        items=items,
        catering=any(section.slug == "catering" for section in extra),
        feedback=feedback_results(edition, days=conference_days) if edition.is_over() else None,
    )
