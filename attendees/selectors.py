"""Reads for the attendee's pages: the sign-up form's choices and the private link's registration."""

import copy
import hmac
from dataclasses import dataclass, replace
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Exists,
    Field,
    IntegerField,
    OuterRef,
    Prefetch,
    Subquery,
    UUIDField,
    prefetch_related_objects,
)
from django.template.defaultfilters import date as format_date
from django.utils.translation import gettext as _

from catering.models import CateringOffer, CateringOrder, FreeTicketClaim
from catering.selectors import CateringSummary, catering_for
from common.local_copies import local_copies
from common.prepared import PreparedQuery, Slot, prefetched, read_together
from messaging.models import MessageRecipient
from messaging.selectors import messages_sent_to
from program import ical
from program.models import Edition, Organisation, ProgramItem
from program.selectors import current_edition
from registration import tickets
from registration.models import Booking, DayAttendance, Question, Registration
from registration.questions import answer_labels, answer_text


def _registration_read(**lookup):
    """The registration with its survey request (the pages after the conference read no more);
    whether the person holds a live meal order, a free-ticket claim and was sent messages: the pages
    then read only what the person holds (most hold none of the three); and the counters of its
    edition's catering offer, whose fixed parts the sign-up form's choices hold (`_offer_of`)."""
    offer = CateringOffer.objects.filter(edition=OuterRef("edition_id"))
    return (
        Registration.objects.select_related("feedback_request")
        .filter(**lookup)
        .annotate(
            holds_order=Exists(
                CateringOrder.objects.filter(registration=OuterRef("pk"), status__in=CateringOrder.LIVE)
            ),
            holds_claim=Exists(FreeTicketClaim.objects.filter(registration=OuterRef("pk"))),
            was_sent_messages=Exists(MessageRecipient.objects.filter(registration=OuterRef("pk"))),
            **{f"offer_{name}": Subquery(offer.values(name)) for name in OFFER_COUNTERS},
        )
    )


def _private_reads(slot: str, field_type: type[Field], lookup: str, **only) -> tuple[PreparedQuery, ...]:
    """The reads of the private pages and the e-mails, compiled once (common.prepared), by one
    value (`slot`) compared with the registration's `lookup`: the registration, its seats in the
    program's order with their items, its days with the days. None waits for another's result, so
    the three go to the database together."""
    return (
        PreparedQuery(lambda: _registration_read(**{lookup: Slot(slot, field_type())}, **only)),
        PreparedQuery(
            lambda: (
                Booking.objects.select_related("item")
                .filter(**{f"registration__{lookup}": Slot(slot, field_type())})
                .order_by("item__starts_at", "item_id")
            )
        ),
        PreparedQuery(
            lambda: DayAttendance.objects.select_related("day").filter(
                **{f"registration__{lookup}": Slot(slot, field_type())}
            )
        ),
    )


# By the private link's public id (its token is checked after), and by key (a mail).
_BY_LINK = _private_reads("public_id", UUIDField, "public_id", anonymised_at__isnull=True)
_BY_KEY = _private_reads("registration", IntegerField, "pk")


def registration_for_manage(public_id, token: str) -> Registration | None:
    """The registration the private link points at, or None. The token is compared in constant
    time; the lookup goes by the public id, which is not the secret."""
    registration = _with_program(_BY_LINK, public_id=public_id)
    # Bytes: compare_digest refuses str with non-ASCII characters (a forged link may hold them).
    if registration is None or not hmac.compare_digest(
        registration.manage_token.encode(), str(token).encode()
    ):
        return None
    return registration


def registration_for_mail(registration_id: int) -> Registration | None:
    """The registration a mail is about, read as the private pages read it, when the mail is
    written (attendees.emails); None if it is gone."""
    return _with_program(_BY_KEY, registration=registration_id)


def _with_program(reads: tuple[PreparedQuery, ...], **values) -> Registration | None:
    found, bookings, days = read_together(*((query, values) for query in reads))
    if not found:
        return None
    registration = found[0]
    registration.edition = _edition(registration.edition_id)
    prefetched(registration, "bookings", bookings)
    prefetched(registration, "days", days)
    return registration


def _edition(edition_id: int) -> Edition:
    """The person's edition: the current one is the copy every page has (no query; held by the
    process and shared by requests, so read-only: program.selectors.current_edition), an earlier
    one is read."""
    edition = current_edition()
    return edition if edition is not None and edition.pk == edition_id else Edition.objects.get(pk=edition_id)


def _offer_of(registration: Registration) -> CateringOffer | None:
    """The catering offer of the person's edition: its fixed parts (price, day, account) as the
    sign-up form's choices hold them, its counters as read with the registration. None when the
    edition has none (or it was made or deleted since the registration was read)."""
    offer = sign_up_choices(registration.edition, live_counts=False).offer
    counts = [getattr(registration, f"offer_{name}") for name in OFFER_COUNTERS]
    return None if offer is None or None in counts else _with(offer, OFFER_COUNTERS, counts)


def registration_catering(registration: Registration) -> CateringSummary | None:
    """The person's catering (`catering_for`) on a page behind the private link and in the mails
    about it; None when the edition has no catering."""
    offer = _offer_of(registration)
    if offer is None:
        return None
    return catering_for(
        registration, offer=offer, read_order=registration.holds_order, read_claim=registration.holds_claim
    )


def registration_messages(registration: Registration) -> list:
    """The organisers' messages to the person, newest first, on a page behind the private link."""
    return messages_sent_to(registration) if registration.was_sent_messages else []


def registration_answers(registration: Registration) -> list[dict]:
    """The person's answers to the organisers' questions, as they read them: each question's
    wording and the answer, in the active language (the person's data, `my_data`)."""
    answers = registration.answers.select_related("question").prefetch_related("question__choices")
    return [
        {
            "question": answer.question.text,
            "answer": answer_text(answer.question, answer.value, answer_labels(answer.question)),
        }
        for answer in answers
    ]


def registration_calendar(registration: Registration) -> bytes:
    """The person's calendar file: the days they come on and their confirmed items. Reads the
    registration's days and bookings as prefetched (registration_for_manage, the e-mails), and the
    items' hosts in one query."""
    days, items = [], []
    # A cancelled person's days stay for the counts, not in their calendar.
    if registration.is_active:
        days = [attendance.day for attendance in registration.days.all()]
        items = [booking.item for booking in registration.bookings.all() if booking.is_confirmed]
        prefetch_related_objects(items, Prefetch("hosts", queryset=Organisation.objects.order_by("name")))
    return ical.calendar_for_person(
        edition=registration.edition, days=days, items=items, base_url=settings.SITE_URL
    )


def registration_ticket(registration: Registration, catering: CateringSummary | None) -> bytes:
    """The person's e-ticket (PDF) in the active language, for the page and the e-mails: their days
    and bookings as prefetched, and their catering (`catering.selectors.catering_for`)."""
    return tickets.ticket_pdf(registration, registration.bookings.all(), catering=catering_line(catering))


def catering_line(catering: CateringSummary | None) -> str:
    """The person's catering in one line, as the e-ticket prints it; empty when there is no offer."""
    if catering is None:
        return ""
    parts = []
    claim, order = catering.claim, catering.order
    if claim is not None and claim.status != FreeTicketClaim.Status.CANCELLED:
        status = (
            _("waiting list, position %(position)s") % {"position": claim.waitlist_position}
            if claim.status == FreeTicketClaim.Status.WAITLISTED
            else claim.get_status_display()
        )
        parts.append(f"{_('Free ticket for Małopolska')}: {status}")
    if order is not None:
        when = _("Catering on %(date)s") % {"date": format_date(catering.offer.day.date, "j E")}
        parts.append(f"{when}: {order.get_status_display()}, {_('diet')}: {order.get_diet_display()}")
    elif not parts:
        parts.append(_("You have not ordered the catering."))
    return "; ".join(parts)


# A key of its own since the move to attendees: copies cached by the code before it pickled
# classes that have moved (registration.selectors.SignUpChoices, program.models.CateringOffer).
# "v2": the choices hold the organisers' questions since; "v3": and a version.
SIGN_UP_CHOICES_CACHE_KEY = "attendees:sign-up-choices:v3:{edition_id}"
# Bounds how stale another process's copy can be when the cache is per process (locmem), as for
# the current edition; with a shared cache (Redis) attendees.receivers drops it everywhere at once.
SIGN_UP_CHOICES_CACHE_TIMEOUT = 60
ITEM_COUNTERS = ("capacity", "seats_taken", "waitlist_length")
OFFER_COUNTERS = ("paid_taken", "free_taken", "free_waitlist_length")


@dataclass(frozen=True)
class SignUpChoices:
    """What the sign-up form offers: the limited items in program order, the catering offer
    (None when the edition has none), and the organisers' questions asked now, in order, with
    their choices. `version` is new each time they are read from the database: the pages made
    from them are cached under it."""

    items: list[ProgramItem]
    offer: CateringOffer | None
    questions: list[Question]
    version: str

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
        return replace(self, items=items, offer=offer)


def _with(obj, names, values):
    changed = copy.copy(obj)
    for name, value in zip(names, values, strict=True):
        setattr(changed, name, value)
    return changed


def sign_up_choices(edition: Edition, *, live_counts: bool = True) -> SignUpChoices:
    """The items, catering and questions the sign-up form offers. Their fixed parts (titles,
    times, prices, wording) come from the cache, which attendees.receivers drops whenever an item,
    the offer, a day, a question or a choice is saved or deleted, and each process holds them for a
    second (common.local_copies); the counters are then read now, unless `live_counts` is False: a
    sign-up decides on the counters it reads under lock, so checking its form needs none."""
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
                ProgramItem.objects.filter(
                    edition=edition, capacity__isnull=False, cancelled_at__isnull=True
                ).order_by("starts_at", "title")
            ),
            # Not joined to the edition: its many translated texts are a slow row to read.
            offer=CateringOffer.objects.filter(edition=edition).select_related("day").first(),
            questions=list(
                Question.objects.filter(edition=edition, is_active=True)
                .select_related("day", "item")
                .prefetch_related("choices")
            ),
            version=uuid4().hex,
        )
        cache.set(key, choices, timeout=SIGN_UP_CHOICES_CACHE_TIMEOUT)
    if choices.offer is not None:
        choices.offer.edition = edition
    return choices


def forget_sign_up_choices(edition_id: int) -> None:
    key = SIGN_UP_CHOICES_CACHE_KEY.format(edition_id=edition_id)
    cache.delete(key)
    local_copies.forget(key)
