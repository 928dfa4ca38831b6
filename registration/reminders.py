"""Reminders before each day of an edition: `Edition.reminder_days_before` days before a day, every
person registered for it gets one e-mail (what it says: attendees.emails). Run by the hourly job
(`manage.py send_reminders`)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from outbox.models import OutgoingMail
from outbox.services import mail_queue
from program.models import ConferenceDay, Edition

from . import locking
from .models import DayAttendance, Registration


def reminder_date(day: ConferenceDay, edition: Edition) -> dt.date | None:
    """The first day the reminder for `day` goes out; None when its edition sends none."""
    days_before = edition.reminder_days_before
    return day.date - dt.timedelta(days=days_before) if days_before else None


def days_due(*, today: dt.date) -> list[ConferenceDay]:
    """The days of every edition whose reminders go out today: from their reminder date until the
    day itself (a person who registers late still gets one), never once the day is over."""
    upcoming = ConferenceDay.objects.filter(date__gte=today, edition__reminder_days_before__gt=0)
    return [
        day
        for day in upcoming.select_related("edition").order_by("date", "pk")
        if reminder_date(day, day.edition) <= today
    ]


def reminders_due(day: ConferenceDay):
    """Who still has a reminder coming for `day`: active, not anonymised, not yet at the door."""
    return DayAttendance.objects.filter(
        day=day,
        reminder_queued_at__isnull=True,
        checked_in_at__isnull=True,
        registration__status=Registration.Status.ACTIVE,
        registration__anonymised_at__isnull=True,
    )


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the reminder of every person whose day is due (`days_due`) and who has none queued
    yet. Returns how many were queued. Safe to run any number of times, and two runs at once:
    each person's day is marked in the transaction that queues its mail, on a row locked with
    SKIP LOCKED, so a row another run holds is left to it and a marked row is never picked again."""
    now = now or timezone.now()
    queued = 0
    for day in days_due(today=timezone.localdate(now)):
        for attendance_id in reminders_due(day).order_by("pk").values_list("pk", flat=True):
            queued += _reminder_queue(attendance_id, day=day, now=now)
    return queued


def _reminder_queue(attendance_id: int, *, day: ConferenceDay, now: dt.datetime) -> bool:
    """One person's reminder, in its own short transaction: a person changing their days or being
    checked in at the door waits for this one row only, and for a moment."""
    with transaction.atomic():
        locked = locking.lock_rows(
            reminders_due(day)
            .select_for_update(skip_locked=True, no_key=True, of=("self",))
            .select_related("registration")
            .filter(pk=attendance_id)
        )
        if not locked:  # another run holds it or queued it, or the person changed meanwhile
            return False
        [attendance] = locked
        attendance.reminder_queued_at = now
        attendance.save(update_fields=["reminder_queued_at"])  # a save: the audit trail records it
        mail_queue(
            registration=attendance.registration, kind=OutgoingMail.Kind.REMINDER, context={"day_id": day.pk}
        )
    return True
