"""What the door shows after a check-in attempt: one full-screen result, green or red, the same
whether the code was typed, scanned or the person chosen from a search. The check-in itself is
`registration.checkin.attendance_check_in`; this module reads what the staff member needs to see:
the person's days, their items that day and their catering, as the caterer's list has it."""

from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from catering.models import CateringOrder
from catering.selectors import catering_for
from program.models import ConferenceDay, Edition, ProgramItem
from registration import checkin
from registration.models import Booking, Registration

OK = "ok"
ALREADY = "already"
UNKNOWN_CODE = "unknown_code"

TITLES = {
    OK: gettext_lazy("OK, welcome"),
    ALREADY: gettext_lazy("Already checked in"),
    "not_attending": gettext_lazy("Not registered for this day"),
    "cancelled": pgettext_lazy("check-in result", "Registration cancelled"),
    "awaiting_approval": gettext_lazy("Awaiting approval"),
    UNKNOWN_CODE: gettext_lazy("Unknown code"),
}

# An unknown code is shown back as typed or scanned, cut to a length that fits the screen.
SHOWN_CODE_LENGTH = 40


@dataclass(frozen=True)
class DoorResult:
    state: str  # a key of TITLES: "ok" lets the person in, every other state refuses
    day: ConferenceDay
    registration: Registration | None = None
    detail: str = ""  # the refusal in a sentence
    days: list[ConferenceDay] = field(default_factory=list)
    items: list[ProgramItem] = field(default_factory=list)
    catering: str = ""

    @property
    def ok(self) -> bool:
        return self.state == OK

    @property
    def title(self) -> str:
        return str(TITLES[self.state])

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "ok": self.ok,
            "title": self.title,
            "name": self.registration.full_name if self.registration else "",
            "detail": self.detail,
        }


def door_check_in(
    *, registration: Registration, day: ConferenceDay, by: AbstractBaseUser | None
) -> DoorResult:
    try:
        result = checkin.attendance_check_in(registration=registration, day=day, by=by)
    except checkin.CheckInError as error:
        return DoorResult(state=error.code, day=day, registration=registration, detail=error.message)
    if result.earlier_at is not None:
        return DoorResult(
            state=ALREADY,
            day=day,
            registration=registration,
            detail=_already_detail(result.earlier_at, result.attendance.checked_in_by),
        )
    return DoorResult(
        state=OK,
        day=day,
        registration=registration,
        days=[attendance.day for attendance in registration.days.select_related("day")],
        items=_items_on(registration, day),
        catering=_catering(registration, day),
    )


def door_check_in_code(
    *, edition: Edition, day: ConferenceDay, code: str, by: AbstractBaseUser | None
) -> DoorResult:
    registration = checkin.registration_by_ticket_code(edition=edition, code=code)
    if registration is None:
        shown = "".join(char for char in code.strip() if char.isprintable())[:SHOWN_CODE_LENGTH]
        return DoorResult(
            state=UNKNOWN_CODE,
            day=day,
            detail=_("No ticket of this edition has the code “%(code)s”.") % {"code": shown},
        )
    return door_check_in(registration=registration, day=day, by=by)


def staff_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def _already_detail(earlier_at, by: AbstractBaseUser | None) -> str:
    time = time_format(timezone.localtime(earlier_at), "H:i")
    if by is None:  # checked in by a script, or the staff member's account is gone
        return _("Checked in at %(time)s.") % {"time": time}
    return _("Checked in at %(time)s by %(name)s.") % {"time": time, "name": staff_name(by)}


def _items_on(registration: Registration, day: ConferenceDay) -> list[ProgramItem]:
    """The person's seats on the day's items, by time."""
    bookings = Booking.objects.filter(
        registration=registration, status=Booking.Status.CONFIRMED, item__starts_at__date=day.date
    ).select_related("item")
    return [booking.item for booking in bookings.order_by("item__starts_at", "item_id")]


def _catering(registration: Registration, day: ConferenceDay) -> str:
    """The live catering order as the caterer's list shows it (state, diet, details)."""
    summary = catering_for(registration)
    order = summary.order if summary else None
    if order is None:
        return _("none")
    if summary.offer.day_id != day.pk:
        return _("none on this day")
    if order.status not in CateringOrder.MEALS:  # waiting for a free ticket: no meal held
        return order.get_status_display()
    return ", ".join(filter(None, [order.get_status_display(), order.get_diet_display(), order.diet_note]))
