"""The audit trail's part in registration's changes (registration.signals)."""

from django.dispatch import receiver

from registration import signals
from registration.models import Registration
from registration.services import ANONYMISED_TEXT_FIELDS


@receiver(signals.registration_anonymised, sender=Registration)
def anonymise_history(*, registration, **kwargs):
    """The history keeps every earlier version of the row: the personal data goes there too."""
    registration.history.update(
        **dict.fromkeys(ANONYMISED_TEXT_FIELDS, ""),
        email=registration.email,
        needs_wheelchair_access=False,
        needs_sign_language=False,
        needs_induction_loop=False,
        needs_assistant=False,
    )
