"""Reads of the organisers' messages: who a message goes to, and what a person was sent."""

from collections.abc import Collection

from django.db.models import IntegerField, QuerySet

from catering.selectors import orders_awaiting_payment
from common.prepared import PreparedQuery, Slot
from program.models import ConferenceDay, Edition, ProgramItem
from registration.models import Booking, Registration

from .models import Message

Audience = Message.Audience


def message_recipients(
    *,
    edition: Edition,
    audience: str,
    day: ConferenceDay | None = None,
    item: ProgramItem | None = None,
    registrations: Collection[Registration] = (),
) -> QuerySet[Registration]:
    """The people registered now (cancelled people get nothing) in the group `audience`: everyone,
    the people coming on `day`, those with a seat on `item` or on its waiting list, the catering
    buyers whose transfer has not arrived, or the `registrations` chosen on the list. By name."""
    people = Registration.objects.filter(edition=edition, status=Registration.Status.ACTIVE)
    # Each filter matches at most one row per person (one day row per day, one booking per item).
    if audience == Audience.DAY:
        people = people.filter(days__day=day)
    elif audience in (Audience.SEATED, Audience.WAITING):
        status = Booking.Status.CONFIRMED if audience == Audience.SEATED else Booking.Status.WAITLISTED
        people = people.filter(bookings__item=item, bookings__status=status)
    elif audience == Audience.UNPAID:
        people = people.filter(pk__in=orders_awaiting_payment(edition).values("registration_id"))
    elif audience == Audience.SELECTED:
        people = people.filter(pk__in=[registration.pk for registration in registrations])
    elif audience != Audience.EVERYONE:
        people = people.none()
    return people.order_by("last_name", "first_name", "pk")


# Compiled once (common.prepared): every management page asks.
_SENT_TO = PreparedQuery(
    lambda: Message.objects.filter(recipients__registration_id=Slot("registration", IntegerField())).order_by(
        "-created_at", "-pk"
    )
)


def messages_sent_to(registration: Registration) -> list[Message]:
    """The messages the person was sent, newest first (their management page), in one query."""
    return _SENT_TO(registration=registration.pk)
