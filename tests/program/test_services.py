import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from backoffice.editions import edition_load
from program.models import ConferenceDay, Edition, EditionLink, EditionRole, Organisation, ProgramItem

pytestmark = pytest.mark.django_db

MODELS = [
    Edition,
    EditionLink,
    ConferenceDay,
    Organisation,
    EditionRole,
    ProgramItem,
    ProgramItem.hosts.through,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loader_is_idempotent(edition_2023_data, now):
    edition_load(data=edition_2023_data, now=now)
    first = counts()

    edition_load(data=edition_2023_data, now=now)

    assert counts() == first
    assert first["Edition"] == 1
    assert first["ProgramItem"] == 24
    assert first["ConferenceDay"] == 2


def test_load_edition_command_twice_with_upcoming_keeps_one_copy():
    call_command("load_edition", "--upcoming")
    first = counts()

    call_command("load_edition", "--upcoming")

    assert counts() == first
    assert Edition.objects.get().is_current is True


def test_loader_loads_every_item_of_the_invitation(edition_2023):
    kinds = Counter(edition_2023.items.values_list("kind", flat=True))
    day_1, day_2 = dt.date(2023, 11, 29), dt.date(2023, 11, 30)
    sessions_by_day = Counter(
        item.day for item in edition_2023.items.filter(kind=ProgramItem.Kind.INSPIRATION_SESSION)
    )

    assert dict(kinds) == {
        "study_visit": 6,
        "workshop": 1,
        "networking": 1,
        "inspiration_session": 6,
        "inauguration": 1,
        "panel": 9,
    }
    assert sessions_by_day == {day_1: 4, day_2: 2}
    assert edition_2023.items.count() == 24
    assert edition_2023.items.get(kind="workshop").title == "Warsztat „People meet People”"
    assert edition_2023.items.get(kind="inauguration").day == day_2


@pytest.mark.parametrize(
    ("slug", "host"),
    [
        ("wizyta-nasza-sciana", "Stowarzyszenie Zacięcie"),
        ("wizyta-swietlica-debniki", "Fundacja Kocham Dębniki"),
        ("wizyta-nad-potokiem", "Miejski Ośrodek Pomocy Społecznej w Krakowie"),
        ("warsztat-people-meet-people", "Ośrodek wspierania Organizacji Pozarządowych"),
        ("wizyta-kozlowka", "Fundacja Biuro Inicjatyw Społecznych"),
    ],
)
def test_hosts_are_written_as_in_the_invitation(edition_2023, slug, host):
    item = edition_2023.items.get(slug=slug)

    assert [organisation.name for organisation in item.hosts.all()] == [host]


def test_items_without_a_time_in_the_invitation_say_what_was_assumed(edition_2023, edition_2023_data):
    assumed_slugs = {spec["slug"] for spec in edition_2023_data["items"] if spec.get("assumed")}

    assert assumed_slugs  # the invitation gives no times for these
    for item in edition_2023.items.filter(slug__in=assumed_slugs):
        assert item.assumptions == edition_2023_data["assumption_defaults"]
        assert item.assumptions != ""


def test_plain_load_keeps_the_invitation_dates(edition_2023):
    assert (edition_2023.starts_on, edition_2023.ends_on) == (dt.date(2023, 11, 29), dt.date(2023, 11, 30))
    assert edition_2023.is_current is True


@pytest.mark.parametrize(
    ("today", "expected_year"),
    [
        (dt.datetime(2026, 11, 23, 12, 0), 2026),  # a week before: this year's 29 November
        (dt.datetime(2026, 11, 29, 8, 0), 2027),  # on the first day: next year
        (dt.datetime(2026, 12, 5, 12, 0), 2027),
        (dt.datetime(2027, 3, 1, 12, 0), 2027),
    ],
)
def test_upcoming_moves_dates_to_the_next_29_30_november_and_opens_registration(
    edition_2023_data, today, expected_year
):
    now = timezone.make_aware(today)

    edition = edition_load(data=edition_2023_data, upcoming=True, now=now).edition

    assert (edition.starts_on, edition.ends_on) == (
        dt.date(expected_year, 11, 29),
        dt.date(expected_year, 11, 30),
    )
    assert edition.is_registration_open(at=now) is True
    assert set(ConferenceDay.objects.values_list("date", flat=True)) == {
        dt.date(expected_year, 11, 29),
        dt.date(expected_year, 11, 30),
    }
    item_days = {item.day for item in edition.items.all()}
    assert item_days == {dt.date(expected_year, 11, 29), dt.date(expected_year, 11, 30)}
    visit = edition.items.get(slug="wizyta-swietlica-debniki")
    assert timezone.localtime(visit.starts_at).time() == dt.time(14, 0)


def test_loading_another_edition_as_current_retires_the_previous_one(edition_2023, edition_2023_data, now):
    data = {**edition_2023_data, "edition": {**edition_2023_data["edition"], "number": 8}}

    edition_load(data=data, now=now)

    assert list(Edition.objects.filter(is_current=True).values_list("number", flat=True)) == [8]
