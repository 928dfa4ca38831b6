"""Query budgets of the busiest pages. Each budget is asserted twice, on the 2023 edition alone and
with many more items, hosts and registrations: a count that grows with the data fails here.

The admin registration list (≤ 10) and dashboard (≤ 15) get their budgets here once the back
office for registrations exists; today only /admin/ itself is there."""

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from attendees.emails import mail_message
from catering.services import catering_add
from messaging.services import message_send
from outbox.models import OutgoingMail
from program.models import Organisation, ProgramItem
from registration import services
from registration.models import Booking, DayAttendance, Registration
from tests.factories import (
    ALL_CONSENTS,
    attended,
    forget_cached,
    person,
    question,
    sign_up,
    warm_shared_copies,
)

pytestmark = pytest.mark.django_db

_keys = itertools.count(1)


def grow(edition, *, items: int, registrations: int) -> None:
    """Add limited items with two hosts each, and registrations booked on them, in bulk."""
    hosts = baker.make(Organisation, _quantity=2 * items)
    start = edition.items.order_by("starts_at").first().starts_at
    for n in range(items):
        item = ProgramItem.objects.create(
            edition=edition,
            slug=f"extra-{n}",
            kind=ProgramItem.Kind.WORKSHOP,
            title=f"Extra {n}",
            starts_at=start + dt.timedelta(minutes=n),
            ends_at=start + dt.timedelta(minutes=n + 1),
            capacity=registrations,
        )
        item.hosts.set(hosts[2 * n : 2 * n + 2])
    people = Registration.objects.bulk_create(
        Registration(edition=edition, **vars(person(email=f"bulk{n}@example.com")))
        for n in range(registrations)
    )
    extra = list(edition.items.filter(slug__startswith="extra-"))
    Booking.objects.bulk_create(
        Booking(registration=r, item=i, status=Booking.Status.CONFIRMED) for r in people for i in extra[:3]
    )
    ProgramItem.objects.filter(pk__in=[i.pk for i in extra[:3]]).update(seats_taken=registrations)


@pytest.fixture(params=["small", "large"])
def data(request, upcoming_edition):
    if request.param == "large":
        grow(upcoming_edition, items=30, registrations=200)
    forget_cached()
    return upcoming_edition


def test_program_page(client, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(reverse("program:program")).status_code == 200
    with django_assert_max_num_queries(0):  # cached listing, cached edition
        assert client.get(reverse("program:program")).status_code == 200


def test_home_page(client, data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(reverse("program:home")).status_code == 200
    with django_assert_max_num_queries(0):  # the cached page
        assert client.get(reverse("program:home")).status_code == 200


def test_item_detail(client, data, django_assert_max_num_queries):
    item = data.items.filter(capacity__isnull=False).first()
    with django_assert_max_num_queries(4):
        assert client.get(item.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(0):  # the cached page
        assert client.get(item.get_absolute_url()).status_code == 200


# The other public pages: none from the cache, like the program. Cold: the edition with its days,
# then what each shows: the form's items, offer and questions, and the counts it is rendered with
# (the form, the seats); the program's items and their hosts (the calendar).
@pytest.mark.parametrize(
    ("name", "cold"),
    [
        ("registration:register", 7),
        ("registration:seats", 7),
        ("registration:resend_link", 2),
        ("registration:privacy", 2),
        ("program:ics", 4),
        ("program:accessibility", 2),
        ("program:contact", 2),
    ],
)
def test_public_pages(client, data, name, cold, django_assert_max_num_queries, django_assert_num_queries):
    with django_assert_max_num_queries(cold):
        assert client.get(reverse(name)).status_code == 200
    with django_assert_num_queries(0):  # the cached page, for a new visitor too
        assert Client().get(reverse(name)).status_code == 200


SIGN_UP_FORM = {
    "first_name": "Łucja",
    "last_name": "Wąsowska",
    "email": "lucja@example.com",
    "town": "Nowy Sącz",
    "voivodeship": "lesser_poland",
    "organisation_type": "ngo",
    "accept_terms": "on",
    "submission_key": "6f1c8a4e-2b7d-4d1e-9a53-0c5b1f7e2a90",
}


def test_sign_up_post(client, data, django_assert_max_num_queries):
    items = list(data.items.filter(capacity__isnull=False).order_by("starts_at")[:1])
    form = {
        "first_name": "Łucja",
        "last_name": "Wąsowska",
        "email": "lucja@example.com",
        "town": "Nowy Sącz",
        "voivodeship": "lesser_poland",
        "organisation_type": "ngo",
        "accept_terms": "on",
        "submission_key": "6f1c8a4e-2b7d-4d1e-9a53-0c5b1f7e2a90",
        "days": [data.days.first().pk],
        "items": [item.pk for item in items],
    }
    with django_assert_max_num_queries(20):
        response = client.post(reverse("registration:register"), form)
    assert response.status_code == 302


def ask(edition, count: int) -> list:
    """`count` questions of each kind with choices, half of them on the first limited item."""
    item = edition.items.filter(capacity__isnull=False).order_by("starts_at").first()
    sizes = [("S", "S"), ("M", "M"), ("L", "L")]
    asked = [
        question(edition, kind, sizes, item=item if n % 2 else None, required=True, text_pl=f"{kind} {n}?")
        for n in range(count)
        for kind in ("single_choice", "multiple_choice")
    ]
    forget_cached()
    return asked


@pytest.mark.parametrize("count", [1, 10])
def test_sign_up_form_with_questions(
    client, data, count, django_assert_max_num_queries, django_assert_num_queries
):
    """The questions come with the form's cached choices: read once, then none however many."""
    ask(data, count)
    # cold: the edition and its days, the items, the offer, the questions and their choices; the
    # page is rendered with the seats and meals left now (two more)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("registration:register")).status_code == 200
    with django_assert_num_queries(0):  # the cached page (program.pages)
        response = client.get(reverse("registration:register"))
    assert response.content.decode().count("<div data-question") == 2 * count


@pytest.mark.parametrize("count", [1, 10])
def test_sign_up_post_with_answers(client, data, count, django_assert_max_num_queries):
    """All the answers in one statement; the questions from the cache."""
    asked = ask(data, count)
    item = data.items.filter(capacity__isnull=False).order_by("starts_at").first()
    form = {**SIGN_UP_FORM, "days": [data.days.first().pk], "items": [item.pk]}
    for each in asked:
        first = each.choices.first().pk
        form[f"question_{each.pk}"] = first if each.kind == "single_choice" else [first]
    with django_assert_max_num_queries(18):
        response = client.post(reverse("registration:register"), form)
    assert response.status_code == 302
    assert Registration.objects.get(email=form["email"]).answers.count() == len(asked)


def test_management_page(client, data, django_assert_max_num_queries):
    item = data.items.filter(capacity__isnull=False).first()
    registration = services.registration_create(
        edition=data,
        person=person(),
        days=[data.days.first()],
        items=[item],
        consents=ALL_CONSENTS,
        submission_key=None,
    )
    # The registration with its offer's counters, and whether the person holds a meal or a claim
    # or was sent messages (here neither: no query for them); its seats; its days. The edition and
    # the offer's fixed parts are the copies every page keeps.
    warm_shared_copies(data)
    with django_assert_max_num_queries(3):
        assert client.get(registration.get_manage_url()).status_code == 200


def test_private_page_from_a_cold_start(client, data, django_assert_max_num_queries):
    """The first private page a process serves with nothing cached reads the current edition with
    its days and the sign-up form's choices (items, offer, questions) as well: once a minute at
    most, as the public pages do."""
    registration = sign_up(data, [data.items.filter(capacity__isnull=False).first()])
    with django_assert_max_num_queries(3 + 2 + 3):
        assert client.get(registration.get_manage_url()).status_code == 200


def test_management_page_with_a_meal_and_messages(client, data, django_assert_max_num_queries):
    """The person's live order and messages: one query each, however many; no claim is read for a
    person who holds none."""
    registration = sign_up(
        data, [data.items.filter(capacity__isnull=False).first()], days=list(data.days.all())
    )
    catering_add(registration=registration, diet="standard")
    for _ in range(3):
        message_send(edition=data, audience="everyone", sent_by=None, **MESSAGE_TEXTS)
    warm_shared_copies(data)
    with django_assert_max_num_queries(5):
        response = client.get(registration.get_manage_url())
    assert 'data-testid="transfer-details"' in response.content.decode()
    assert response.content.decode().count('<article class="card mb-3">') == 3


def test_thanks_page(client, data, django_assert_max_num_queries):
    """Where a sign-up lands: the registration with its edition and offer, its bookings with their
    items, its days; the catering order and claim only for a person who holds one."""
    registration = sign_up(data, [data.items.filter(capacity__isnull=False).first()])
    url = reverse("registration:thanks", args=[registration.public_id, registration.manage_token])
    warm_shared_copies(data)
    with django_assert_max_num_queries(3):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("meal, budget", [(False, 4), (True, 5)])
def test_confirmation_mail(data, meal, budget, django_assert_max_num_queries):
    """What the worker reads to write a confirmation with its PDF ticket and calendar: the
    registration with its edition and offer and whether the person holds a meal or a claim, its
    seats, its days, the hosts of its items; the meal, or the claim, only for a person with one."""
    registration = sign_up(
        data, [data.items.filter(capacity__isnull=False).first()], days=list(data.days.all())
    )
    if meal:
        catering_add(registration=registration, diet="standard")
    mail = registration.mails.get(kind=OutgoingMail.Kind.CONFIRMATION)
    warm_shared_copies(data)
    with django_assert_max_num_queries(budget):
        message = mail_message(mail)
    assert [name.rsplit(".", 1)[-1] for name, _content, _type in message.attachments] == ["pdf", "ics"]


@pytest.mark.parametrize("count", [1, 10])
def test_management_page_with_questions(client, data, count, django_assert_max_num_queries):
    """The person's answers: one query, however many questions (their choices come cached)."""
    asked = ask(data, count)
    item = data.items.filter(capacity__isnull=False).order_by("starts_at").first()
    registration = sign_up(data, [item])
    choice = asked[0].choices.first()
    registration.answers.create(question=asked[0], value=choice.pk)
    forget_cached()
    warm_shared_copies(data)
    with django_assert_max_num_queries(3):  # the answers are on the step that changes them
        assert client.get(registration.get_manage_url()).status_code == 200
    details = reverse("registration:manage_details", args=[registration.public_id, registration.manage_token])
    client.get(details)  # the choices cached
    # the registration with its days and seats, the answers, the session's few
    with django_assert_max_num_queries(6):
        response = client.get(details)
    assert response.status_code == 200
    assert len(response.context["person_form"].questions) == 2 * count


# Each step of the management page, cold (the current edition with its days and the sign-up
# form's choices read: 5) and cached: the registration with its days and seats (3), and what the
# step shows: the counts of the items to choose from, the person's order and claim if any.
@pytest.mark.parametrize(
    ("name", "cold", "cached"),
    [("manage_items", 8, 5), ("manage_details", 8, 5), ("manage_catering", 8, 3)],
)
def test_management_steps(client, data, name, cold, cached, django_assert_max_num_queries):
    item = data.items.filter(capacity__isnull=False).first()
    registration = sign_up(data, [item], days=list(data.days.all()))
    url = reverse(f"registration:{name}", args=[registration.public_id, registration.manage_token])
    with django_assert_max_num_queries(cold):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(cached):
        assert client.get(url).status_code == 200


def test_my_calendar(client, data, django_assert_max_num_queries):
    # with the large data, five of the extra items (a minute apart, two hosts each)
    items = list(data.items.filter(slug__startswith="extra-").order_by("starts_at")[:5])
    registration = services.registration_create(
        edition=data,
        person=person(),
        days=list(data.days.all()),
        items=items or list(data.items.filter(capacity__isnull=False)[:1]),
        consents=ALL_CONSENTS,
    )
    url = reverse(
        "registration:calendar",
        kwargs={"public_id": registration.public_id, "token": registration.manage_token},
    )
    # the registration, its bookings with their items, its days, the items' hosts
    warm_shared_copies(data)
    with django_assert_max_num_queries(4):
        assert client.get(url).status_code == 200


def test_ticket_pdf(client, data, django_assert_max_num_queries):
    items = list(data.items.filter(slug__startswith="extra-").order_by("starts_at")[:5])
    registration = services.registration_create(
        edition=data,
        person=person(),
        days=list(data.days.all()),
        items=items or list(data.items.filter(capacity__isnull=False)[:1]),
        consents=ALL_CONSENTS,
    )
    url = reverse(
        "registration:ticket_pdf",
        kwargs={"public_id": registration.public_id, "token": registration.manage_token},
    )
    # the registration with its edition and offer, its bookings with their items, its days, its
    # catering order and its latest free-ticket claim
    warm_shared_copies(data)
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200


# --- the organisers' messages (backoffice.admin.messaging) ---------------------------------------

MESSAGE_TEXTS = {"subject_pl": "Temat", "subject_en": "Subject", "body_pl": "Treść.", "body_en": "Text."}


def test_write_to_attendees_page(admin_client, data, django_assert_max_num_queries):
    item = data.items.filter(capacity__isnull=False).first()
    with django_assert_max_num_queries(6):
        response = admin_client.get(
            reverse("admin:messaging_message_add"), {"audience": "seated", "item": item.pk}
        )
    assert response.status_code == 200


def test_write_to_attendees_preview(admin_client, data, django_assert_max_num_queries):
    """Everyone registered: the count and names from one query, then the mail as the first of them
    gets it, in each language (their catering is read once per language)."""
    sign_up(data, [data.items.filter(capacity__isnull=False).first()])
    form = {"audience": "everyone", **MESSAGE_TEXTS, "preview": "1"}
    with django_assert_max_num_queries(12):
        response = admin_client.post(reverse("admin:messaging_message_add"), form)
    assert response.context["count"] == Registration.objects.count()


def test_messages_sent(admin_client, data, django_assert_max_num_queries):
    sign_up(data)
    for _ in range(5):
        message_send(edition=data, audience="everyone", sent_by=None, **MESSAGE_TEXTS)
    warm_shared_copies(data)
    with django_assert_max_num_queries(5):
        assert admin_client.get(reverse("admin:messaging_message_changelist")).status_code == 200


# --- check-in at the door (backoffice.views) ------------------------------------------------------


def door_items(edition) -> list[ProgramItem]:
    """Two items of the first day at different times."""
    return list(edition.items.filter(slug__in=["wizyta-kozlowka", "wieczorne-spotkanie-sieciowanie"]))


def test_check_in_page_with_a_search(admin_client, data, django_assert_max_num_queries):
    """The session and the user, the edition and its days (cold cache), the chosen day, the day's
    counts, the people found, their day rows and their items that day: each once."""
    items = door_items(data)
    for n in range(3):
        sign_up(data, items, last_name=f"Nowak{n}")
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("staff:checkin"), {"q": "Nowak"})
    assert len(response.context["rows"]) == 3


def test_check_in_by_code(admin_client, data, django_assert_max_num_queries):
    """The session and the user, the edition and its days (cold cache), the day, the code's holder,
    the locked day row, the check-in and its history in a savepoint, then what the door shows:
    their days, their items that day and their catering (offer, order, claim)."""
    person = sign_up(data, door_items(data))
    day = person.days.get().day
    with django_assert_max_num_queries(16):
        response = admin_client.post(
            reverse("staff:checkin_code", args=[day.pk]),
            {"code": person.ticket_code},
            HTTP_ACCEPT="application/json",
        )
    assert response.json()["state"] == "ok"


# --- the organisers' questions (backoffice.admin.questions) and the person's data ---------------


@pytest.mark.parametrize("count", [1, 10])
def test_question_list(admin_client, data, count, django_assert_max_num_queries):
    ask(data, count)
    with django_assert_max_num_queries(6):  # the session, the user, the list, its count, filters
        response = admin_client.get(reverse("admin:registration_question_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_question_page(admin_client, data, count, django_assert_max_num_queries):
    asked = question(data, "multiple_choice", [(f"{n}", f"{n}") for n in range(count)])
    with django_assert_max_num_queries(8):  # the question, its choices, the editions, days, items
        response = admin_client.get(reverse("admin:registration_question_change", args=[asked.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_my_data(client, data, count, django_assert_max_num_queries):
    asked = ask(data, count)
    item = data.items.filter(capacity__isnull=False).order_by("starts_at").first()
    registration = sign_up(data, [item])
    for each in asked:
        choice = each.choices.first().pk
        registration.answers.create(question=each, value=choice if each.kind == "single_choice" else [choice])
    url = reverse(
        "registration:data", kwargs={"public_id": registration.public_id, "token": registration.manage_token}
    )
    # the registration, its bookings, days, consents, catering orders, claims and messages; the
    # answers with their questions, and the questions' choices: none per answer
    warm_shared_copies(data)
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert len(response.json()["answers_to_the_organisers_questions"]) == len(asked)


# --- after the conference (aftercare): the 2023 edition, over, with a person who came ------------


@pytest.fixture(params=["small", "large"])
def came(request, past, visit_2023):
    """A person checked in on both days of the past edition, with a seat on a visit; with the large
    data the edition has 30 more items and 200 more people."""
    if request.param == "large":
        grow(past, items=30, registrations=200)
        came_too = Registration.objects.filter(edition=past, email__startswith="bulk")[:50]
        DayAttendance.objects.bulk_create(
            DayAttendance(registration=registration, day=day, checked_in_at=timezone.now())
            for registration in came_too
            for day in past.days.all()
        )
    forget_cached()
    warm_shared_copies(past)
    return attended(past, [visit_2023])


def private(name: str, registration) -> str:
    return reverse(name, kwargs={"public_id": registration.public_id, "token": registration.manage_token})


def test_management_page_after_the_conference(client, came, django_assert_max_num_queries):
    # as test_management_page: the survey's state is read with the registration, no query of its own
    with django_assert_max_num_queries(3):
        response = client.get(came.get_manage_url())
    assert 'data-testid="after-the-conference"' in response.content.decode()


def test_certificate_download(client, came, django_assert_max_num_queries):
    # the registration, its days and bookings, the organisers, the funders
    with django_assert_max_num_queries(5):
        assert client.get(private("registration:certificate_pdf", came)).status_code == 200


def test_certificate_by_mail(client, came, django_assert_max_num_queries):
    with django_assert_max_num_queries(11):
        assert client.post(private("registration:certificate_send", came)).status_code == 302


def test_survey_page_and_answer(client, came, days_2023, visit_2023, django_assert_max_num_queries):
    survey = private("registration:feedback", came)
    with django_assert_max_num_queries(3):
        assert client.get(survey).status_code == 200
    answer = {f"day_{days_2023[0].pk}": "4", f"item_{visit_2023.pk}": "5", "comment": "Dobrze."}
    with django_assert_max_num_queries(17):
        assert client.post(survey, answer).status_code == 302


def test_dashboard_after_the_conference(admin_client, came, django_assert_max_num_queries):
    # the dashboard's 15 (tests/backoffice/test_dashboard.py), the survey's results included
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("admin_dashboard"), {"edition": came.edition_id})
    assert 'data-section="after"' in response.content.decode()


def test_certificates_for_printing(admin_client, came, django_assert_max_num_queries):
    # the user, the edition, whether anyone came, the organisers, the funders per language, the
    # people with their days and bookings (one chunk each)
    with django_assert_max_num_queries(9):
        response = admin_client.get(reverse("staff:certificates"), {"edition": came.edition_id})
    assert response["Content-Type"] == "application/pdf"


def test_survey_export(admin_client, came, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        response = admin_client.get(reverse("staff:feedback_export"), {"edition": came.edition_id})
    assert response.status_code == 200
