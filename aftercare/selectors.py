"""Reads for after the conference: what a person attended, who gets a certificate, the survey's
results (anonymous: they read only the answers, never who gave them)."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from program.models import ConferenceDay, Edition, ProgramItem
from registration.models import Booking, DayAttendance, Registration

from .models import RATINGS, FeedbackAnswer, FeedbackRating, FeedbackRequest

# What `attendance_of` reads, in two queries for any number of people (registration_for_manage and
# the e-mails prefetch the same).
ATTENDANCE_PREFETCHES = (
    Prefetch("days", queryset=DayAttendance.objects.select_related("day")),
    Prefetch("bookings", queryset=Booking.objects.select_related("item")),
)


@dataclass(frozen=True)
class Attendance:
    """The days a person was checked in on, and their items on those days."""

    days: list[ConferenceDay]
    items: list[ProgramItem]


def attendance_of(registration: Registration) -> Attendance:
    """Check-in is per day, so the items attended are the person's confirmed seats on the days they
    were checked in (an item open to all has no seats and is not named). Reads the registration's
    days and bookings as prefetched (`ATTENDANCE_PREFETCHES`); prefetches what is not."""
    prefetch_related_objects([registration], *ATTENDANCE_PREFETCHES)  # nothing read twice
    days = sorted(
        (attendance.day for attendance in registration.days.all() if attendance.checked_in_at is not None),
        key=lambda day: day.date,
    )
    dates = {day.date for day in days}
    items = sorted(
        (
            booking.item
            for booking in registration.bookings.all()
            if booking.is_confirmed and not booking.item.is_cancelled and booking.item.day in dates
        ),
        key=lambda item: (item.starts_at, item.pk),
    )
    return Attendance(days=days, items=items)


def checked_in_people(edition: Edition) -> QuerySet:
    """Active, not anonymised, and checked in on at least one day: who gets a certificate, by name."""
    checked_in = DayAttendance.objects.filter(registration=OuterRef("pk"), checked_in_at__isnull=False)
    return Registration.objects.filter(
        Exists(checked_in), edition=edition, status=Registration.Status.ACTIVE, anonymised_at__isnull=True
    ).order_by("last_name", "first_name", "pk")


# --- the survey's results ------------------------------------------------------------------------


@dataclass
class RatingRow:
    """A day or an item: how many rated it, the average, and how many gave each of 1…5."""

    subject: ConferenceDay | ProgramItem
    count: int = 0
    average: float | None = None
    spread: list[int] = field(default_factory=lambda: [0] * len(RATINGS))

    @property
    def is_day(self) -> bool:
        return isinstance(self.subject, ConferenceDay)


@dataclass(frozen=True)
class FeedbackResults:
    invited: int
    answered: int
    rows: list[RatingRow]


def feedback_results(edition: Edition, days: list[ConferenceDay] | None = None) -> FeedbackResults:
    """Every day of the edition (`days`, when the caller has read them) and every item someone
    rated, each with its count, average and spread; and how many people were invited and answered.
    Three queries and the days."""
    spread = {f"rated_{n}": Count("pk", filter=Q(rating=n)) for n in RATINGS}
    ratings = (
        FeedbackRating.objects.filter(answer__edition=edition)
        .values("day_id", "item_id")
        .annotate(count=Count("pk"), average=Avg("rating"), **spread)
        .order_by()
    )
    by_day, by_item = {}, {}
    for row in ratings:
        (by_day if row["day_id"] else by_item)[row["day_id"] or row["item_id"]] = row
    if days is None:
        days = list(ConferenceDay.objects.filter(edition=edition).order_by("date"))
    items = list(ProgramItem.objects.filter(pk__in=by_item).order_by("starts_at", "pk"))
    rows = [_rating_row(day, by_day.get(day.pk)) for day in days]
    rows += [_rating_row(item, by_item[item.pk]) for item in items]
    people = FeedbackRequest.objects.filter(registration__edition=edition).aggregate(
        invited=Count("pk", filter=Q(invited_at__isnull=False)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
    )
    return FeedbackResults(invited=people["invited"], answered=people["answered"], rows=rows)


def _rating_row(subject, counts: dict | None) -> RatingRow:
    if counts is None:
        return RatingRow(subject=subject)
    return RatingRow(
        subject=subject,
        count=counts["count"],
        average=round(float(counts["average"]), 2),
        spread=[counts[f"rated_{n}"] for n in RATINGS],
    )


def feedback_comments(edition: Edition) -> QuerySet:
    """The free texts, in the order of the answers' random ids: no time, no name, no ratings."""
    return (
        FeedbackAnswer.objects.filter(edition=edition)
        .exclude(comment="")
        .order_by("pk")
        .values_list("comment", flat=True)
    )


def feedback_request_of(registration: Registration) -> FeedbackRequest | None:
    """The person's part in the survey, if any: no query when it was read with the registration
    (`select_related("feedback_request")`)."""
    try:
        return registration.feedback_request
    except FeedbackRequest.DoesNotExist:
        return None
