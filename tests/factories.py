"""People and sign-ups for tests, made through the same service the site uses."""

import datetime as dt
import itertools

from django.core.cache import cache
from django.utils import timezone

from attendees import services as attendees_services
from attendees.selectors import sign_up_choices
from common.local_copies import local_copies
from outbox.models import OutgoingMail
from outbox.tasks import send_outgoing_mail
from program.selectors import current_edition
from registration import checkin, services
from registration.models import Question, QuestionChoice
from registration.questions import question_save

ALL_CONSENTS = {"terms": True, "privacy": True, "image": False, "newsletter": False}
_emails = itertools.count(1)


def forget_cached() -> None:
    """A cold start: nothing in the shared cache, nothing in this process's copies of it."""
    cache.clear()
    local_copies.clear()


def warm_shared_copies(edition) -> None:
    """What every page keeps warm and the pages behind the private link read besides the person:
    the current edition and the sign-up form's choices (a cold start reads them once:
    tests/performance/test_query_budgets.py::test_private_page_from_a_cold_start)."""
    current_edition()
    sign_up_choices(edition, live_counts=False)


def person(**overrides) -> services.Person:
    values = {
        "first_name": "Zofia",
        "last_name": "Żółkiewska",
        "email": f"person{next(_emails)}@example.com",
        "town": "Kraków",
        "voivodeship": "lesser_poland",
        "organisation_name": "Stowarzyszenie Sąsiedzi",
        "organisation_type": "ngo",
    }
    values.update(overrides)
    return services.Person(**values)


def sign_up(edition, items=(), days=None, now=None, **person_fields):
    """A registration for the items (seat or waiting place) and the days (the first by default)."""
    days = days if days is not None else [edition.days.order_by("date").first()]
    return services.registration_create(
        edition=edition,
        person=person(**person_fields),
        days=days,
        items=items,
        consents=ALL_CONSENTS,
        now=now,
    )


def sign_up_for_catering(edition, catering_request=None):
    """A registration for every day of the edition, with the catering asked for (None: none), as
    the sign-up form makes it."""
    return attendees_services.sign_up(
        edition=edition,
        person=person(),
        days=list(edition.days.all()),
        items=[],
        consents=ALL_CONSENTS,
        catering_request=catering_request,
    )


def send_queued_mail() -> int:
    """Run the mail task for every queued mail, as the worker would. Returns how many were sent."""
    sent = 0
    for mail_id in OutgoingMail.objects.filter(state=OutgoingMail.State.QUEUED).values_list("pk", flat=True):
        sent += send_outgoing_mail.call(mail_id) == "sent"
    return sent


def question(edition, kind="short_text", choices=(), **fields):
    """An organisers' question saved as the admin saves it; `choices`: (Polish, English) pairs.
    The wording defaults to both languages."""
    fields = {"text_pl": "Pytanie?", "text_en": "Question?", **fields}
    return question_save(
        question=Question(edition=edition, kind=kind, **fields),
        choices=[QuestionChoice(label_pl=pl, label_en=en) for pl, en in choices],
    )


# Inside the 2023 edition's registration window (tests of what comes after an edition).
DURING_2023 = timezone.make_aware(dt.datetime(2023, 11, 20, 12, 0))


def attended(edition, items=(), checked_in=None, language="pl", **person_fields):
    """A person of a past edition (the 2023 one) who came: signed up while registration was open
    for every day, without the confirmation mail, and checked in at noon on the `checked_in` days
    (all of them by default)."""
    days = list(edition.days.order_by("date"))
    registration = services.registration_create(
        edition=edition,
        person=person(**person_fields),
        days=days,
        items=items,
        consents=ALL_CONSENTS,
        language=language,
        notify=False,
        now=DURING_2023,
    )
    for day in days if checked_in is None else checked_in:
        noon = timezone.make_aware(dt.datetime.combine(day.date, dt.time(12)))
        checkin.attendance_check_in(registration=registration, day=day, now=noon)
    return registration
