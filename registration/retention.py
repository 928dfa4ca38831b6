"""Personal data is kept for a while after an edition ends (questions, certificates, accounts
with the funders), then anonymised. What the yearly counts need stays (see
services.registration_anonymise)."""

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from program.models import Edition

from . import services
from .models import Registration


def editions_past_retention(*, days: int, today: dt.date | None = None) -> QuerySet[Edition]:
    """Editions whose last day was more than `days` days ago."""
    today = today or timezone.localdate()
    return Edition.objects.filter(ends_on__lt=today - dt.timedelta(days=days)).order_by("starts_on")


def registrations_to_anonymise(edition: Edition) -> QuerySet[Registration]:
    return edition.registrations.filter(anonymised_at__isnull=True).order_by("pk")


def edition_anonymise(*, edition: Edition, now: dt.datetime | None = None) -> int:
    """Anonymise every registration of the edition, which is over: nobody is cancelled, so their
    days, check-ins, items and free tickets stay as the anonymous figures of who came. Returns how
    many; one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        registrations = list(registrations_to_anonymise(edition))
        for registration in registrations:
            services.registration_anonymise(registration=registration, now=now)
    return len(registrations)
