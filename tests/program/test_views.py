import datetime as dt
import html

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from model_bakery import baker

from program.models import Organisation, ProgramItem
from tests.factories import forget_cached

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_home_shows_the_edition(client, upcoming_edition):
    response = client.get(reverse("program:home"))

    page = text(response)
    assert response.status_code == 200
    assert "MIEJSCA OTWARTE" in page
    assert "Rozmowy o przestrzeniach spotkań sąsiedzkich" in page
    assert "„Miejsca Otwarte na zmianę”" in page
    assert upcoming_edition.participation_terms.splitlines()[0] in page
    for organisation in [
        "Fundacja Biuro Inicjatyw Społecznych",  # main organiser
        "Miasto Stołeczne Warszawa",  # co-organisers
        "Urząd Kraków",
        "Aktywni Obywatele – Fundusz Regionalny",  # funders
        "Województwo Małopolskie",
        "ngo.pl",  # media partner
    ]:
        assert organisation in page
    assert "Współfinansowanie z dotacji programu Aktywni Obywatele" in page


def test_home_without_a_current_edition_is_not_found(client, db):
    response = client.get(reverse("program:home"))

    assert response.status_code == 404


def test_program_lists_every_item(client, upcoming_edition):
    response = client.get(reverse("program:program"))

    page = text(response)
    assert response.status_code == 200
    titles = list(upcoming_edition.items.values_list("title", flat=True))
    assert len(titles) == 24
    for title in titles:
        assert title in page
    assert page.count('class="card program-item"') == 24


def test_program_card_shows_seats_left_of_capacity(client, upcoming_edition):
    ProgramItem.objects.filter(slug="wizyta-nasza-sciana").update(seats_taken=5)

    page = text(client.get(reverse("program:program"), HTTP_ACCEPT_LANGUAGE="en"))

    assert "15 seats left of 20" in page


def test_item_detail_shows_host_time_and_capacity(client, upcoming_edition):
    item = upcoming_edition.items.get(slug="wizyta-swietlica-debniki")

    response = client.get(item.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    page = text(response)
    assert response.status_code == 200
    assert "Study visit: Świetlica Dębniki" in page
    assert "Fundacja Kocham Dębniki" in page
    assert f"{upcoming_edition.starts_on.day} November {upcoming_edition.starts_on.year}, 14:00" in page
    assert "17:00" in page
    assert "Sign-up required, limited to 20 people." in page
    assert "20 seats left." in page


def test_item_detail_in_polish(client, upcoming_edition):
    item = upcoming_edition.items.get(slug="wizyta-swietlica-debniki")

    page = text(client.get(item.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="pl"))

    assert "Gospodarz" in page
    assert "Obowiązują zapisy, liczba miejsc ograniczona do 20 osób." in page
    assert "Zostało 20 wolnych miejsc." in page
    assert f"{upcoming_edition.starts_on.day} listopada {upcoming_edition.starts_on.year}, 14:00" in page


def test_item_of_another_edition_is_not_found(client, upcoming_edition):
    response = client.get(reverse("program:item", kwargs={"slug": "no-such-item"}))

    assert response.status_code == 404


def test_ics_feed_has_every_item(client, upcoming_edition):
    response = client.get(reverse("program:ics"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 24
    visit = next(e for e in events if str(e["summary"]) == "Wizyta studyjna: Świetlica Dębniki")
    assert visit.decoded("dtstart") == upcoming_edition.items.get(slug="wizyta-swietlica-debniki").starts_at
    assert "Fundacja Kocham Dębniki" in str(visit["description"])
    assert str(visit["url"]).endswith("/program/wizyta-swietlica-debniki/")


def test_not_found_page_uses_the_site_layout(client, upcoming_edition):
    response = client.get("/no-such-page/")

    page = text(response)
    assert response.status_code == 404
    assert "Nie znaleziono strony" in page
    assert 'class="site-header' in page
    assert 'id="content"' in page
    assert "MIEJSCA OTWARTE" in page  # the layout still knows the edition


@pytest.mark.urls("tests.urls_raising")
def test_server_error_page_has_no_traceback(client, upcoming_edition, settings):
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get("/raise/")

    page = text(response)
    assert response.status_code == 500
    assert "Coś poszło nie tak" in page
    assert 'class="site-header' in page
    assert "Traceback" not in page
    assert "RuntimeError" not in page
    assert "a deliberate failure" not in page


def add_items(edition, count: int) -> None:
    for number in range(count):
        starts_at = timezone.make_aware(
            dt.datetime.combine(edition.starts_on, dt.time(8 + number % 10, 0))
        ) + dt.timedelta(days=number % 2)
        item = baker.make(
            ProgramItem,
            edition=edition,
            slug=f"extra-{number}",
            kind=ProgramItem.Kind.PANEL,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
            capacity=None,
        )
        item.hosts.set(baker.make(Organisation, _quantity=2))


def count_queries(client, url: str) -> int:
    forget_cached()  # measure a cold cache: the current edition is read too
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("program:program"),
        reverse("program:item", kwargs={"slug": "wizyta-swietlica-debniki"}),
        reverse("program:home"),
        reverse("program:ics"),
    ],
)
def test_pages_run_a_fixed_number_of_queries(client, upcoming_edition, url):
    with_2023_program = count_queries(client, url)

    add_items(upcoming_edition, 30)
    with_30_more_items = count_queries(client, url)

    assert with_30_more_items == with_2023_program
    assert with_2023_program <= 4


def test_program_page_query_budget(client, upcoming_edition, django_assert_num_queries):
    add_items(upcoming_edition, 30)

    # edition, days, items, hosts of all items
    with django_assert_num_queries(4):
        client.get(reverse("program:program"))


def test_item_page_query_budget(client, upcoming_edition, django_assert_num_queries):
    # edition and its days (cached after the first page), item, its hosts
    with django_assert_num_queries(4):
        client.get(reverse("program:item", kwargs={"slug": "wizyta-swietlica-debniki"}))
