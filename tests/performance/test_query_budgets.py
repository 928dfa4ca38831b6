"""Query budgets of the busiest pages. Each budget is asserted twice, on the 2023 edition alone and
with many more items, hosts and registrations: a count that grows with the data fails here.

The admin registration list (≤ 10) and dashboard (≤ 15) get their budgets here once the back
office for registrations exists; today only /admin/ itself is there."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from messaging.services import message_send
from program.models import Organisation, ProgramItem
from registration import services
from registration.models import Booking, DayAttendance, Registration
from tests.factories import ALL_CONSENTS, attended, forget_cached, person, sign_up

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


def test_item_detail(client, data, django_assert_max_num_queries):
    item = data.items.filter(capacity__isnull=False).first()
    with django_assert_max_num_queries(4):
        assert client.get(item.get_absolute_url()).status_code == 200


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
    # 9: the messages the organisers sent the person are one query of their own (none per message).
    with django_assert_max_num_queries(9):
        assert client.get(registration.get_manage_url()).status_code == 200


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
    with django_assert_max_num_queries(4):
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
    with django_assert_max_num_queries(5):
        assert admin_client.get(reverse("admin:messaging_message_changelist")).status_code == 200


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
    return attended(past, [visit_2023])


def private(name: str, registration) -> str:
    return reverse(name, kwargs={"public_id": registration.public_id, "token": registration.manage_token})


def test_management_page_after_the_conference(client, came, django_assert_max_num_queries):
    # the page's 9: the survey's state is read with the registration
    with django_assert_max_num_queries(9):
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
