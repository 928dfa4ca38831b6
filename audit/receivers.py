"""The audit trail's part in registration's changes (registration.signals)."""

import json

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from registration import signals
from registration.models import Answer, Registration
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


@receiver(signals.registration_anonymised, sender=Registration)
def anonymise_admin_log(*, registration, erased, **kwargs):
    """The admin's log names the person: as the object of an entry, and inside the messages of
    other entries ("Promoted … from the waiting list."). Both keep the entry, without the name."""
    placeholder = str(registration)  # "anonymised person", in the active language
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration), object_id=str(registration.pk)
    ).update(object_repr=placeholder)
    # As written, and as Django's JSON change messages escape it.
    texts = {form for text in erased if text.strip() for form in (text, json.dumps(text)[1:-1])}
    for text in sorted(texts, key=len, reverse=True):
        for entry in LogEntry.objects.filter(change_message__contains=text):
            entry.change_message = entry.change_message.replace(text, placeholder)
            entry.save(update_fields=["change_message"])


@receiver(signals.registration_anonymised, sender=Registration)
def anonymise_answers_history(*, registration, **kwargs):
    """The answers are deleted; their history keeps that they were given and when, not what."""
    Answer.history.filter(registration_id=registration.pk).update(value="")
