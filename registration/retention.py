"""Personal data is kept for a while after an edition ends (questions, certificates, accounts
with the funders), then anonymised. What the yearly counts need stays (see
services.registration_anonymise)."""

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from program.models import Edition

from . import locking, services
from .models import Registration


def editions_past_retention(*, days: int, today: dt.date | None = None) -> QuerySet[Edition]:
    """Editions whose last day was more than `days` days ago."""
    today = today or timezone.localdate()
    return Edition.objects.filter(ends_on__lt=today - dt.timedelta(days=days)).order_by("starts_on")


def registrations_to_anonymise(edition: Edition) -> QuerySet[Registration]:
    return edition.registrations.filter(anonymised_at__isnull=True).order_by("pk")


def edition_anonymise(*, edition: Edition, now: dt.datetime | None = None) -> int:
    """Anonymise every registration of the edition; returns how many. One transaction: cancelling
    a seat promotes the next person waiting and queues a mail to them, which must never leave for
    an edition long over; the mail is deleted with that person's data before anyone can send it."""
    now = now or timezone.now()
    with transaction.atomic():
        # Every lock of the run up front, in registration.locking's order: all the people, then all
        # the items; each anonymisation below takes them again without waiting.
        registrations = locking.lock_rows(registrations_to_anonymise(edition).select_for_update(no_key=True))
        locking.lock_items(edition.items.values_list("pk", flat=True))
        for registration in registrations:
            services.registration_anonymise(registration=registration, now=now)
    return len(registrations)
