"""The sign-up as the public form makes it: a registration and, if asked for, its catering, in one
transaction (registration's seats first, then the catering's offer: registration.locking)."""

import datetime as dt
import functools
from collections.abc import Collection, Mapping

from django.utils import timezone

from catering.services import CateringRequest, catering_take
from program.models import ConferenceDay, Edition, ProgramItem
from registration.models import Registration
from registration.questions import Answers
from registration.services import Person, registration_create


def sign_up(
    *,
    edition: Edition,
    person: Person,
    days: Collection[ConferenceDay],
    items: Collection[ProgramItem],
    consents: Mapping[str, bool],
    language: str = "pl",
    submission_key=None,
    catering_request: CateringRequest | None = None,
    answers: Answers | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register the person with their answers to the organisers' questions; their catering, if
    they asked for it, is taken in the same transaction: sold out refuses the whole sign-up, with
    the catering's message."""
    now = now or timezone.now()
    add_ons = []
    if catering_request is not None:
        add_ons.append(functools.partial(catering_take, request=catering_request, now=now))
    return registration_create(
        edition=edition,
        person=person,
        days=days,
        items=items,
        consents=consents,
        language=language,
        submission_key=submission_key,
        add_ons=add_ons,
        answers=answers,
        now=now,
    )
