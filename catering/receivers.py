"""The catering's part in registration's changes (registration.signals), inside their transaction."""

from django.dispatch import receiver

from registration import signals
from registration.models import Registration

from . import services


@receiver(signals.registration_cancelled, sender=Registration)
def release_catering(*, registration, now, **kwargs):
    services.catering_release_all(registration=registration, now=now)


@receiver(signals.registration_anonymised, sender=Registration)
def anonymise_catering(*, registration, **kwargs):
    services.catering_anonymise(registration=registration)


@receiver(signals.registration_days_changing, sender=Registration)
def keep_catering_day(*, registration, days, **kwargs):
    services.check_days_keep_catering(registration=registration, days=days)
