import copy
import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def test_an_organisation_named_many_times_is_one_row_looked_up_once(edition_2023_data, now):
    """A partner that hosts several items and has a role is looked up once per load (the suite
    loads an edition for most tests) and is one row, with the role's address."""
    data = copy.deepcopy(edition_2023_data)
    for spec in data["items"][:3]:
        spec["hosts"] = ["Fundacja Wspólna"]
    data["roles"][0] = {
        **data["roles"][0],
        "organisation": "Fundacja Wspólna",
        "url": "https://wspolna.example",
    }
    names = {role["organisation"] for role in data["roles"]} | {
        name for spec in data["items"] for name in spec.get("hosts", [])
    }

    with CaptureQueriesContext(connection) as queries:
        edition = edition_load(data=data, now=now).edition

    reads = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    assert sum('FROM "program_organisation"' in sql for sql in reads) == len(names)
    shared = Organisation.objects.get(name="Fundacja Wspólna")
    assert shared.url == "https://wspolna.example"
    assert set(shared.hosted_items.values_list("slug", flat=True)) == {
        spec["slug"] for spec in data["items"][:3]
    }
    assert edition.roles.filter(organisation=shared).exists()


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


def test_loader_writes_both_languages(edition_2023):
    item = edition_2023.items.get(slug="sesja-krakowscy-sasiedzi")
    day = edition_2023.days.order_by("date").first()
    link = edition_2023.links.get(url="https://app.evenea.pl/event/miejsca-otwarte-krakow/")
    role = edition_2023.roles.get(organisation__name="Województwo Małopolskie")

    assert (edition_2023.subtitle_pl, edition_2023.subtitle_en) == (
        "Rozmowy o przestrzeniach spotkań sąsiedzkich",
        "Conversations about neighbourhood meeting places",
    )
    assert (item.title_pl, item.title_en) == (
        "Krakowscy sąsiedzi lat 20. XXI wieku – w realu i na Facebooku",
        "Kraków neighbours in the 2020s – in real life and on Facebook",
    )
    assert item.description_en == "Inspiration session: Open Places, open to change."
    assert (day.title_pl, day.title_en) == ("Wydarzenia towarzyszące", "Side events")
    assert (link.label_pl, link.label_en) == ("Konferencja w serwisie Evenea", "The conference on Evenea")
    assert role.note_en == "The project receives financial support from Województwo Małopolskie."


def without_english(data):
    """The file as it was before it had English: loaded by sites set up then."""
    if isinstance(data, dict):
        return {key: without_english(value) for key, value in data.items() if not key.endswith("_en")}
    if isinstance(data, list):
        return [without_english(value) for value in data]
    return data


def english_titles(edition) -> dict[str, str | None]:
    return dict(edition.items.values_list("slug", "title_en"))


@pytest.fixture
def polish_only_edition(edition_2023_data):
    """The demo edition as an earlier version of the site loaded it (moved to the coming November)."""
    return edition_load(data=without_english(edition_2023_data), upcoming=True).edition


def test_an_edition_loaded_in_polish_only_keeps_its_texts_without_the_option(
    polish_only_edition, edition_2023_data
):
    loaded = edition_load(data=edition_2023_data, upcoming=True)

    assert (loaded.created, loaded.translations_filled) == (False, 0)
    assert set(english_titles(polish_only_edition).values()) == {None}


def test_filling_translations_writes_only_empty_english_beside_the_files_polish(
    polish_only_edition, edition_2023_data
):
    typed = polish_only_edition.items.get(slug="wizyta-kozlowka")
    typed.title_en = "Visit to Kozłówka (our own words)"  # an organiser typed it: it stays
    typed.save()
    rewritten = polish_only_edition.items.get(slug="inauguracja")
    rewritten.title_pl = "Otwarcie konferencji"  # the file's English no longer translates it
    rewritten.capacity = 300
    rewritten.save()
    before = counts()

    loaded = edition_load(data=edition_2023_data, upcoming=True, fill_translations=True)

    titles = english_titles(polish_only_edition)
    assert titles["wizyta-kozlowka"] == "Visit to Kozłówka (our own words)"
    assert titles["inauguracja"] is None
    assert titles["wizyta-skawina"] == "Study visit: Centra Aktywności Kulturalnej"
    assert [day.title_en for day in polish_only_edition.days.order_by("date")] == [
        "Side events",
        "Conference",
    ]
    assert loaded.edition.slogan_en == "Open Places, open to change"
    # Of the 44 texts: all but the typed title and the rewritten one.
    assert (loaded.created, loaded.translations_filled) == (False, 42)
    rewritten.refresh_from_db()
    assert (rewritten.title_pl, rewritten.capacity) == ("Otwarcie konferencji", 300)
    assert counts() == before


def test_filling_translations_twice_writes_nothing_the_second_time(polish_only_edition, edition_2023_data):
    edition_load(data=edition_2023_data, upcoming=True, fill_translations=True)

    assert (
        edition_load(data=edition_2023_data, upcoming=True, fill_translations=True).translations_filled == 0
    )


def test_load_edition_command_fills_translations(polish_only_edition):
    out = StringIO()

    call_command("load_edition", "--fill-translations", stdout=out)

    assert "is there already: 44 empty English texts filled in" in out.getvalue()
    assert (
        polish_only_edition.items.get(slug="inauguracja").title_en
        == "Opening of the conference and networking"
    )
