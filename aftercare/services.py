"""After the conference: certificates of attendance by e-mail and the feedback survey.

Who may have either: a person active and not anonymised, checked in on at least one day of an
edition that is over (`certificate_check`). Each person's change takes their registration's lock
(rank 1 of registration.locking) in a transaction of its own; mails go through the outbox, in that
transaction, and say what they say at send time (attendees.emails)."""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from outbox.models import OutgoingMail
from outbox.services import mail_queue
from registration.errors import RegistrationError
from registration.models import Registration
from registration.services import registration_lock

from .errors import AftercareError
from .models import COMMENT_MAX_LENGTH, RATINGS, FeedbackAnswer, FeedbackRating, FeedbackRequest
from .selectors import Attendance, attendance_of

# A person asking for their certificate again within this time is told it is on its way.
CERTIFICATE_RESEND_AFTER = dt.timedelta(minutes=10)
# A certificate mail in these states has gone or is going out.
MAIL_NOT_LOST = [
    OutgoingMail.State.QUEUED,
    OutgoingMail.State.SENDING,
    OutgoingMail.State.AWAITING_RETRY,
    OutgoingMail.State.SENT,
]


def certificate_check(*, registration: Registration, now: dt.datetime | None = None) -> Attendance:
    """What the person attended, if they may have a certificate and answer the survey; else
    refuses: the edition is not over, the registration is cancelled or erased, or the person was
    never checked in."""
    if not registration.is_active or registration.anonymised_at is not None:
        raise AftercareError("cancelled")
    if not registration.edition.is_over(now):
        raise AftercareError("not_over")
    attendance = attendance_of(registration)
    if not attendance.days:
        raise AftercareError("not_checked_in")
    return attendance


def certificate_send(*, registration: Registration, now: dt.datetime | None = None) -> OutgoingMail:
    """The person's request from their page: their certificate by e-mail (a PDF attached).
    Refused within `CERTIFICATE_RESEND_AFTER` of the last one, which is still on its way."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = _locked(registration)
        certificate_check(registration=registration, now=now)
        recent = _certificate_mails(registration).filter(created_at__gt=now - CERTIFICATE_RESEND_AFTER)
        if recent.exists():
            raise AftercareError("certificate_just_sent")
        return mail_queue(registration=registration, kind=OutgoingMail.Kind.CERTIFICATE)


@dataclass(frozen=True)
class Sent:
    """What a mailing to a selection did: `done` people mailed, `already` skipped because they had
    it, `not_eligible` skipped because they may not have it (not checked in, edition not over,
    cancelled)."""

    done: list[Registration]
    already: int
    not_eligible: int


def certificates_send(*, registrations: Iterable[Registration], now: dt.datetime | None = None) -> Sent:
    """The organisers' mailing: a certificate to each person selected who may have one and has none
    on its way or sent yet (a second run sends nothing twice). Each person in their own transaction."""
    return _each_person(registrations, now, _certificate_queue)


def _certificate_queue(registration: Registration, now: dt.datetime) -> bool:
    if _certificate_mails(registration).exists():
        return False
    mail_queue(registration=registration, kind=OutgoingMail.Kind.CERTIFICATE)
    return True


def feedback_invite(*, registrations: Iterable[Registration], now: dt.datetime | None = None) -> Sent:
    """The organisers' invitation to the survey, to each person selected who may answer it: once
    per person ever (`FeedbackRequest.invited_at`), never to someone who has answered."""
    return _each_person(registrations, now, _invitation_queue)


def _invitation_queue(registration: Registration, now: dt.datetime) -> bool:
    request, _created = FeedbackRequest.objects.get_or_create(registration=registration)
    if request.invited_at is not None or request.answered_at is not None:
        return False
    request.invited_at = now
    request.save(update_fields=["invited_at"])  # a save: the audit trail records it
    mail_queue(registration=registration, kind=OutgoingMail.Kind.FEEDBACK_INVITATION)
    return True


def _each_person(registrations: Iterable[Registration], now: dt.datetime | None, queue) -> Sent:
    now = now or timezone.now()
    done, already, not_eligible = [], 0, 0
    for registration in registrations:
        try:
            with transaction.atomic():
                locked = _locked(registration)
                certificate_check(registration=locked, now=now)
                if queue(locked, now):
                    done.append(locked)
                else:
                    already += 1
        except AftercareError:
            not_eligible += 1
    return Sent(done=done, already=already, not_eligible=not_eligible)


def _locked(registration: Registration) -> Registration:
    """Rank 1, read fresh with its edition (the refusals name the cancelled in our own words)."""
    try:
        locked = registration_lock(registration=registration)
    except RegistrationError as error:
        raise AftercareError("cancelled") from error
    locked.edition = registration.edition
    return locked


def _certificate_mails(registration: Registration) -> QuerySet:
    return OutgoingMail.objects.filter(
        registration=registration, kind=OutgoingMail.Kind.CERTIFICATE, state__in=MAIL_NOT_LOST
    )


# --- the survey ----------------------------------------------------------------------------------


def feedback_submit(
    *,
    registration: Registration,
    day_ratings: Mapping[int, int],
    item_ratings: Mapping[int, int],
    comment: str,
    now: dt.datetime | None = None,
) -> FeedbackAnswer:
    """The person's answer: ratings from 1 to 5 of the days (by id) and items (by id) they
    attended, none required, and a free text. Once per person; the answer keeps no link to them
    (aftercare.models), so it cannot be changed afterwards either."""
    now = now or timezone.now()
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise AftercareError("comment_too_long", limit=COMMENT_MAX_LENGTH)
    if any(rating not in RATINGS for rating in (*day_ratings.values(), *item_ratings.values())):
        raise AftercareError("bad_rating")
    if not (day_ratings or item_ratings or comment):
        raise AftercareError("empty_answer")
    with transaction.atomic():
        registration = _locked(registration)
        attendance = certificate_check(registration=registration, now=now)
        if not (
            set(day_ratings) <= {day.pk for day in attendance.days}
            and set(item_ratings) <= {item.pk for item in attendance.items}
        ):
            raise AftercareError("not_attended")
        request, _created = FeedbackRequest.objects.get_or_create(registration=registration)
        if request.answered_at is not None:
            raise AftercareError("already_answered")
        request.answered_at = now
        request.save(update_fields=["answered_at"])
        answer = FeedbackAnswer.objects.create(edition=registration.edition, comment=comment)
        FeedbackRating.objects.bulk_create(
            [FeedbackRating(answer=answer, day_id=pk, rating=rating) for pk, rating in day_ratings.items()]
            + [
                FeedbackRating(answer=answer, item_id=pk, rating=rating)
                for pk, rating in item_ratings.items()
            ]
        )
    return answer
