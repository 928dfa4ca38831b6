"""Check-in at the door, once per person and day.

Two volunteers may scan the same ticket at once: the day's row is locked, so exactly one of them
checks the person in and the other is told when that happened.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from program.models import ConferenceDay, Edition

from .errors import CheckInError
from .models import DayAttendance, Registration


@dataclass(frozen=True)
class CheckIn:
    attendance: DayAttendance
    # When the person was first checked in, if this was a second attempt; None if it was this one.
    # Who did it then is `attendance.checked_in_by`.
    earlier_at: dt.datetime | None = None


def attendance_check_in(
    *,
    registration: Registration,
    day: ConferenceDay,
    by: AbstractBaseUser | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """`by` is the staff member at the door (None from scripts and tests): recorded with the time,
    so that a second attempt can say who let the person in."""
    now = now or timezone.now()
    with transaction.atomic():
        attendance = _locked_attendance(registration, day)
        if attendance.checked_in_at is not None:
            return CheckIn(attendance=attendance, earlier_at=attendance.checked_in_at)
        attendance.checked_in_at = now
        attendance.checked_in_by = by
        attendance.save(update_fields=["checked_in_at", "checked_in_by"])
    return CheckIn(attendance=attendance)


def attendance_undo_check_in(*, registration: Registration, day: ConferenceDay) -> DayAttendance:
    with transaction.atomic():
        attendance = _locked_attendance(registration, day)
        if attendance.checked_in_at is not None:
            attendance.checked_in_at = None
            attendance.checked_in_by = None
            attendance.save(update_fields=["checked_in_at", "checked_in_by"])
    return attendance


def _locked_attendance(registration: Registration, day: ConferenceDay) -> DayAttendance:
    attendance = (
        DayAttendance.objects.select_for_update(of=("self",))
        .select_related("registration", "checked_in_by")
        .filter(registration=registration, day=day)
        .first()
    )
    if attendance is None:
        raise CheckInError("not_attending", name=registration.full_name, day=day)
    if not attendance.registration.is_active:
        raise CheckInError("cancelled", name=registration.full_name)
    if attendance.registration.awaiting_approval:
        raise CheckInError("awaiting_approval", name=registration.full_name)
    return attendance


# --- reads for the door page ----------------------------------------------------------------------

SEARCH_LIMIT = 20


def normalise_ticket_code(text: str) -> str:
    """Codes are printed in groups (ABCD-EFGH-…) and may be typed in any case."""
    return re.sub(r"[\s-]", "", text).upper()


# A ticket code as the QR code holds it (registration.models.new_ticket_code): 26 letters A–Z and
# digits 2–7. The door page's script sends what looks like one (normalised) straight to check-in;
# anything else is a search.
TICKET_CODE_PATTERN = "[A-Z2-7]{26}"


def registration_by_ticket_code(*, edition: Edition, code: str) -> Registration | None:
    """Whoever holds the code, cancelled or not: the door says why it refuses. Text that is not a
    code (a NUL, anything overlong) finds nobody without asking the database."""
    code = normalise_ticket_code(code)
    if re.fullmatch(TICKET_CODE_PATTERN, code) is None:
        return None
    registrations = Registration.objects.select_related("edition")  # the door reads its catering
    return registrations.filter(edition=edition, ticket_code=code).first()


def registrations_search(*, edition: Edition, query: str) -> list[Registration]:
    """A ticket code matches exactly; otherwise name, e-mail or organisation, active people only."""
    query = query.strip()
    if not query:
        return []
    registrations = Registration.objects.filter(edition=edition, status=Registration.Status.ACTIVE)
    by_code = list(registrations.filter(ticket_code=normalise_ticket_code(query)))
    if by_code:
        return by_code
    matches = Q()
    for word in query.split():
        matches &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation_name__icontains=word)
        )
    return list(registrations.filter(matches).order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT])


def day_counts(edition: Edition) -> list[ConferenceDay]:
    """Each day with `expected` (active people registered) and `checked_in`, in one query."""
    active = Q(attendances__registration__status=Registration.Status.ACTIVE)
    return list(
        ConferenceDay.objects.filter(edition=edition)
        .annotate(
            expected=Count("attendances", filter=active),
            checked_in=Count("attendances", filter=active & Q(attendances__checked_in_at__isnull=False)),
        )
        .order_by("date")
    )
