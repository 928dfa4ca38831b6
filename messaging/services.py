"""The organisers' messages to a group of attendees: checked, then sent as one mail per person
through the outbox, in one transaction with the message and its list of recipients."""

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from outbox.models import OutgoingMail
from outbox.services import mail_queue
from program.models import ConferenceDay, Edition, ProgramItem
from registration.models import Registration

from .errors import MessagingError
from .models import Message, MessageRecipient
from .selectors import message_recipients

Audience = Message.Audience


@dataclass(frozen=True)
class MessageDraft:
    """A message checked but not saved, and the people it would go to now, by name."""

    message: Message
    recipients: list[Registration]


def message_draft(
    *,
    edition: Edition,
    audience: str,
    subject_pl: str,
    subject_en: str,
    body_pl: str,
    body_en: str,
    day: ConferenceDay | None = None,
    item: ProgramItem | None = None,
    registrations: Collection[Registration] = (),
) -> MessageDraft:
    """Check a message and find its recipients, writing nothing: the preview, and the first step
    of `message_send`. Refuses a text missing in either language (content is bilingual), a day or
    item the group needs and lacks, and a group with nobody in it."""
    texts = {"subject_pl": subject_pl, "subject_en": subject_en, "body_pl": body_pl, "body_en": body_en}
    texts = {name: (text or "").strip() for name, text in texts.items()}
    if not all(texts.values()):
        raise MessagingError("text_missing")
    if audience == Audience.DAY and (day is None or day.edition_id != edition.pk):
        raise MessagingError("day_required")
    if audience in (Audience.SEATED, Audience.WAITING) and (item is None or item.edition_id != edition.pk):
        raise MessagingError("item_required")
    # Only what the group is made of is kept with the message.
    day = day if audience == Audience.DAY else None
    item = item if audience in (Audience.SEATED, Audience.WAITING) else None
    recipients = list(
        message_recipients(
            edition=edition, audience=audience, day=day, item=item, registrations=registrations
        )
    )
    if not recipients:
        raise MessagingError("nobody")
    message = Message(edition=edition, audience=audience, day=day, item=item, **texts)
    return MessageDraft(message=message, recipients=recipients)


def message_send(
    *,
    edition: Edition,
    audience: str,
    subject_pl: str,
    subject_en: str,
    body_pl: str,
    body_en: str,
    sent_by: AbstractBaseUser | None,
    day: ConferenceDay | None = None,
    item: ProgramItem | None = None,
    registrations: Collection[Registration] = (),
    expected_recipients: int | None = None,
    submission_key: uuid.UUID | None = None,
) -> Message:
    """Send a message to a group: the message, a row per recipient and a mail per person in the
    outbox (retried there; each carries the person's link to their registration), all or nothing.

    The group is found again now: `expected_recipients`, the count the preview showed, refuses
    ("group_changed") when people joined or left it meanwhile. A repeated `submission_key` (the
    send button clicked twice) returns the first message and sends nothing more."""
    try:
        with transaction.atomic():
            draft = message_draft(
                edition=edition,
                audience=audience,
                subject_pl=subject_pl,
                subject_en=subject_en,
                body_pl=body_pl,
                body_en=body_en,
                day=day,
                item=item,
                registrations=registrations,
            )
            count = len(draft.recipients)
            if expected_recipients is not None and count != expected_recipients:
                raise MessagingError("group_changed", count=count)
            message = draft.message
            message.sent_by = sent_by
            message.recipient_count = count
            message.submission_key = submission_key
            message.save()
            MessageRecipient.objects.bulk_create(
                MessageRecipient(
                    message=message,
                    registration=person,
                    mail=mail_queue(
                        registration=person,
                        kind=OutgoingMail.Kind.MESSAGE,
                        context={"message_id": message.pk},
                    ),
                )
                for person in draft.recipients
            )
    except IntegrityError:
        # Only the submission key is unique here: the same send, already done (or being done: the
        # index waited for it to commit).
        first = Message.objects.filter(submission_key=submission_key).first() if submission_key else None
        if first is None:
            raise
        return first
    return message
