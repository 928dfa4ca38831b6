"""What the public pages tell a visitor beyond the program itself: what to do when an item is
full, times not confirmed yet, where things are (with a map link), the favicon and the page's
description, and quotes and ordinals in each language."""

import html
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from program import ical
from program.models import ProgramItem
from tests.factories import forget_cached

pytestmark = pytest.mark.django_db

OSM = "https://www.openstreetmap.org/search?query="


@pytest.fixture(autouse=True)
def _language_as_it_was():
    """A request in English leaves English active in this thread: later tests read titles in Polish."""
    with translation.override(translation.get_language()):
        yield


def page(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def fill(item: ProgramItem, waiting: int) -> None:
    ProgramItem.objects.filter(pk=item.pk).update(seats_taken=item.capacity, waitlist_length=waiting)
    forget_cached()


def seats_text(content: str) -> str:
    """The first item's seats line on the program page, spaces squeezed."""
    match = re.search(r'class="small mb-0 seats-left">(.*?)</p>', content, re.S)
    return " ".join(match.group(1).split())


POLISH_FULL = "Brak wolnych miejsc — zapisz się na listę rezerwową"


@pytest.mark.parametrize(
    ("waiting", "polish", "english"),
    [
        (0, POLISH_FULL, "No seats left — join the waiting list"),
        (1, f"{POLISH_FULL} (czeka 1 osoba)", "No seats left — join the waiting list (1 person waiting)"),
        (2, f"{POLISH_FULL} (czekają 2 osoby)", "No seats left — join the waiting list (2 people waiting)"),
        (5, f"{POLISH_FULL} (czeka 5 osób)", "No seats left — join the waiting list (5 people waiting)"),
        (
            22,
            f"{POLISH_FULL} (czekają 22 osoby)",
            "No seats left — join the waiting list (22 people waiting)",
        ),
    ],
)
def test_a_full_item_says_how_to_join_its_waiting_list(client, edition, visit, waiting, polish, english):
    fill(visit, waiting)
    item_url = visit.get_absolute_url()

    for language, expected in (("pl", polish), ("en", english)):
        program = page(client, reverse("program:program"), language)
        card = program[program.index(f'id="item-{visit.pk}-title"') :]
        assert seats_text(card) == expected
        assert f"{expected}." in " ".join(page(client, item_url, language).split())
    assert "Wolne miejsca: 0" not in page(client, reverse("program:program"), "pl")
    assert "(czeka 0" not in page(client, item_url, "pl")


def test_an_item_with_seats_says_how_many_and_nothing_of_a_waiting_list(client, edition, visit):
    content = page(client, reverse("program:program"), "pl")
    card = content[content.index(f'id="item-{visit.pk}-title"') :]

    assert seats_text(card) == "Wolne miejsca: 20 z 20"
    assert "rezerwow" not in card[: card.index("</article>")]


def test_an_unconfirmed_time_says_so_on_the_program_and_the_item_page(client, edition):
    assumed = ProgramItem.objects.get(edition=edition, slug="inauguracja")
    confirmed = ProgramItem.objects.get(edition=edition, slug="wizyta-kozlowka")
    ProgramItem.objects.filter(pk=confirmed.pk).update(assumptions="")
    forget_cached()

    for language, label in (("pl", "godzina do potwierdzenia"), ("en", "time to be confirmed")):
        program = page(client, reverse("program:program"), language)
        assumed_card = program[program.index(f'id="item-{assumed.pk}-title"') :].split("</article>")[0]
        confirmed_card = program[program.index(f'id="item-{confirmed.pk}-title"') :].split("</article>")[0]
        assert label in assumed_card
        assert label not in confirmed_card
        assert label in page(client, assumed.get_absolute_url(), language)
        assert label not in page(client, confirmed.get_absolute_url(), language)


@pytest.fixture
def venue(edition):
    edition.venue_name = "Centrum Kultury Podgórza"
    edition.venue_address = "ul. Sokolska 13"
    edition.save()
    forget_cached()
    return edition


def test_the_home_page_shows_the_venue_with_a_map_link(client, venue):
    osm = OSM + "ul.+Sokolska+13%2C+Krak%C3%B3w"
    for language, label in (("pl", "Miejsce"), ("en", "Venue")):
        content = page(client, reverse("program:home"), language)
        assert f"{label}: Centrum Kultury Podgórza, ul. Sokolska 13, Kraków" in content
        assert f'href="{osm}"' in content
    assert ical.venue_map_url(venue) == osm


def test_without_a_venue_the_home_page_shows_no_empty_line(client, edition):
    assert (edition.venue_name, edition.venue_address) == ("", "")  # the 2023 announcement names none

    content = page(client, reverse("program:home"), "pl")

    assert 'data-testid="venue"' not in content
    assert "openstreetmap" not in content


def test_the_item_page_shows_where_with_a_map_link(client, edition, visit):
    for language in ("pl", "en"):
        content = page(client, visit.get_absolute_url(), language)
        where = re.search(r'data-testid="where">(.*?)</dd>', content, re.S).group(1)
        assert visit.place in where
        assert (
            f'href="{OSM}Miejsce+Aktywno%C5%9Bci+Mieszka%C5%84c%C3%B3w+na+Koz%C5%82%C3%B3wce%2C+Krak%C3%B3w"'
            in where
        )


def test_an_item_with_an_address_is_searched_by_its_address(edition, visit):
    visit.address = "ul. Kozłówek 26, Kraków"

    assert ical.item_map_url(visit, edition) == OSM + "ul.+Koz%C5%82%C3%B3wek+26%2C+Krak%C3%B3w"
    assert ical.item_location(visit, edition) == f"{visit.place}, ul. Kozłówek 26, Kraków, Kraków"


def test_the_favicon_is_linked_and_shipped(client, edition):
    """Served with 200 by a live server: tests/browser/test_public_form_and_pages.py."""
    content = page(client, reverse("program:home"), "pl")

    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', content).group(1)
    assert href == "/static/favicon.svg"
    assert "#0b5b6b" in Path(finders.find("favicon.svg")).read_text()  # the site's colour


@pytest.mark.parametrize(
    ("url_name", "language", "expected"),
    [
        ("program:home", "pl", "Serdecznie zapraszamy na 7. Ogólnopolską Konferencję"),
        ("program:home", "en", "You are warmly invited to the 7th National Conference"),
        ("program:program", "pl", "Program: 7. Ogólnopolska Konferencja „MIEJSCA OTWARTE."),
        ("program:program", "en", "Program: 7th National Conference “MIEJSCA OTWARTE."),
        ("program:contact", "en", "7th National Conference “MIEJSCA OTWARTE. Conversations"),
    ],
)
def test_each_public_page_has_a_description(client, edition, url_name, language, expected):
    content = page(client, reverse(url_name), language)

    (description,) = re.findall(r'<meta name="description" content="([^"]*)">', content)
    assert description.startswith(expected)
    assert len(description) <= 300


def test_the_item_page_describes_the_item(client, edition, visit):
    content = page(client, visit.get_absolute_url(), "en")

    (description,) = re.findall(r'<meta name="description" content="([^"]*)">', content)
    assert description.startswith(f"{visit.title_en} — ")


@pytest.mark.parametrize(
    ("language", "slogan", "footer"),
    [
        ("pl", "„Miejsca Otwarte na zmianę”", "7. Ogólnopolska Konferencja „MIEJSCA OTWARTE. Rozmowy"),
        ("en", "“Open Places, open to change”", "7th National Conference “MIEJSCA OTWARTE. Conversations"),
    ],
)
def test_quotes_and_ordinals_follow_the_language(client, edition, language, slogan, footer):
    content = page(client, reverse("program:home"), language)

    assert slogan in content
    assert footer in content
    hero = content[content.index('class="hero') :]
    assert ("7. Ogólnopolska" if language == "pl" else "7th National Conference") in hero
    if language == "en":
        assert "„" not in content.replace(edition.intro_pl, "")


def test_the_accessibility_statement_quotes_the_title_in_the_language(client, edition):
    assert "conference “MIEJSCA OTWARTE”" in page(client, reverse("program:accessibility"), "en")
    assert "konferencji „MIEJSCA OTWARTE”" in page(client, reverse("program:accessibility"), "pl")


def test_the_links_elsewhere_are_about_the_conference_not_a_second_sign_up(client, edition):
    for language, heading in (
        ("pl", "O konferencji w innych serwisach"),
        ("en", "About the conference elsewhere"),
    ):
        content = page(client, reverse("program:home"), language)
        links = content[content.index('id="links-heading"') :].split("</section>")[0]
        assert heading in links
        assert "zapis" not in links.lower()
        assert "sign-up" not in links.lower()
