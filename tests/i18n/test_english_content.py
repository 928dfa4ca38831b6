"""The shipped edition is in English on English pages: every text the organisers' file gives in
Polish has its English, so modeltranslation's fallback to Polish (settings.py) is never needed for
it. The fallback stays for editions organisers enter later (test_languages.py).

The catering offer has no text of its own that visitors read: its account holder is an
organisation's name, and its assumptions are for the back office."""

import html

import icalendar
import pytest
from django.urls import reverse
from django.utils import dateformat, translation
from modeltranslation.translator import translator

from messaging.models import Message
from program.models import ConferenceDay, Edition, EditionLink, EditionRole, ProgramItem
from registration.models import Question, QuestionChoice
from tests.factories import sign_up

pytestmark = pytest.mark.django_db

# Texts that are the same in both languages on purpose, each with its reason. Names of
# organisations are not translated texts at all (Organisation.name), so they are not listed.
SAME_IN_ENGLISH = {
    "MIEJSCA OTWARTE": "the conference's name",
    "Miejsce Aktywności Mieszkańców na Kozłówce": "a place's own name",
    "Centra Aktywności Kulturalnej, Skawina": "a place's own name, and its town",
    "Nasza Ściana": "a place's own name",
    "Świetlica Dębniki": "a place's own name",
    "Centrum Integracji Międzykulturowej": "a place's own name",
}


def rows_by_model(edition: Edition) -> dict[type, list]:
    return {
        Edition: [edition],
        EditionLink: list(edition.links.all()),
        EditionRole: list(edition.roles.all()),
        ConferenceDay: list(edition.days.all()),
        ProgramItem: list(edition.items.all()),
    }


def texts(edition: Edition):
    """(row, field, Polish, English) for every translated text of the edition."""
    for model, rows in rows_by_model(edition).items():
        for name in translator.get_options_for_model(model).get_field_names():
            for row in rows:
                yield row, name, getattr(row, f"{name}_pl") or "", getattr(row, f"{name}_en") or ""


def untranslated(edition: Edition) -> list[str]:
    """The texts an English page would show in Polish: no English, or the Polish copied over."""
    return [
        f"{type(row).__name__} {row}: {name}"
        for row, name, polish, english in texts(edition)
        if polish and (not english or (english == polish and polish not in SAME_IN_ENGLISH))
    ]


def polish_only_lines(edition: Edition) -> set[str]:
    """Every line of the Polish texts whose English differs: none may appear on an English page."""
    return {
        line.strip()
        for _, _, polish, english in texts(edition)
        if polish != english
        for line in polish.splitlines()
        if line.strip()
    }


def polish_on(page: str, edition: Edition) -> list[str]:
    return sorted(line for line in polish_only_lines(edition) if line in page)


def english_page(client, url: str) -> str:
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def calendar_texts(body: bytes) -> str:
    calendar = icalendar.Calendar.from_ical(body)
    parts = [str(calendar["x-wr-calname"])]
    for event in calendar.walk("VEVENT"):
        parts += [str(event[key]) for key in ("summary", "location", "description")]
    return "\n".join(parts)


# Translated, but not part of an edition file: organisers write them in both languages on the form,
# which requires both (messaging.services, registration.questions).
NOT_IN_THE_EDITION_FILE = {Message, Question, QuestionChoice}


def test_every_model_with_translated_texts_is_checked(edition_2023):
    registered = set(translator.get_registered_models()) - NOT_IN_THE_EDITION_FILE
    assert registered == set(rows_by_model(edition_2023))


def test_every_text_of_the_shipped_edition_has_its_english(edition_2023):
    assert untranslated(edition_2023) == []
    # Not vacuous: the edition's texts are all there in Polish.
    assert len([text for text in texts(edition_2023) if text[2]]) == 44


def test_the_check_reports_an_english_text_left_empty_or_copied_from_polish(edition_2023):
    day = edition_2023.days.order_by("date").first()
    day.title_en = ""
    day.save()
    item = edition_2023.items.get(slug="inauguracja")
    item.title_en = item.title_pl
    item.save()

    assert untranslated(edition_2023) == [
        f"ConferenceDay {day}: title",
        "ProgramItem Inauguracja konferencji i sieciowanie uczestników: title",
    ]


def test_no_english_page_shows_the_editions_polish(client, upcoming_edition):
    items = list(upcoming_edition.items.order_by("pk"))
    booked = [item for item in items if item.slug in ("sesja-10-lat-sieci-mal", "wizyta-kozlowka")]
    person = sign_up(upcoming_edition, items=booked, days=list(upcoming_edition.days.all()))
    urls = [
        reverse("program:home"),
        reverse("program:program"),
        *(item.get_absolute_url() for item in items),
        reverse("program:accessibility"),
        reverse("program:contact"),
        reverse("registration:privacy"),
        reverse("registration:register"),
        person.get_manage_url(),
        reverse("registration:ticket", kwargs={"public_id": person.public_id, "token": person.manage_token}),
    ]
    pages = {url: english_page(client, url) for url in urls}
    pages["program.ics"] = calendar_texts(client.get(reverse("program:ics")).content)

    assert {url: polish_on(page, upcoming_edition) for url, page in pages.items()} == {
        url: [] for url in pages
    }
    # Not vacuous: the English texts are on the pages.
    assert "Conversations about neighbourhood meeting places" in pages[reverse("program:home")]
    assert "Study visit: Nasza Ściana" in pages["program.ics"]


def test_the_page_check_finds_a_polish_text_on_an_english_page(client, upcoming_edition):
    item = upcoming_edition.items.get(slug="wizyta-kozlowka")
    item.title_en = ""
    item.save()

    page = english_page(client, reverse("program:program"))

    assert polish_on(page, upcoming_edition) == [
        "Wizyta studyjna: Miejsce Aktywności Mieszkańców na Kozłówce"
    ]


def test_an_english_day_heading_reads_as_english(client, upcoming_edition):
    first, second = upcoming_edition.days.order_by("date")
    with translation.override("en"):
        first_date, second_date = (dateformat.format(day.date, "l, j F Y") for day in (first, second))

    page = " ".join(english_page(client, reverse("program:program")).split())

    assert f"Day 1: {first_date} — Side events </h2>" in page
    assert f"Day 2: {second_date} — Conference, 9:00–17:00 </h2>" in page
