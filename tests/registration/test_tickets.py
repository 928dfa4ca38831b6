"""The e-ticket's PDF: every word inside the page, long titles broken between words beside their
status, the venue with its map link, the days and the catering line the caller hands in."""

import pytest
from django.utils import translation
from reportlab.lib.pagesizes import A4

from program import ical
from program.models import Edition, ProgramItem
from registration import tickets
from tests.factories import sign_up
from tests.pdf_layout import TOLERANCE, flat, inside, opened

pytestmark = pytest.mark.django_db

PAGE = (tickets.MARGIN, tickets.MARGIN, A4[0] - tickets.MARGIN, A4[1] - tickets.MARGIN)
LEFT = tickets.MARGIN + tickets.FRAME_PADDING
WHEN, WHAT, STATUS = tickets.PROGRAM_COLUMNS
# A hair wider than the column: its text starts exactly on the column's left edge.
TITLE_COLUMN = (LEFT + WHEN - TOLERANCE, 0, LEFT + WHEN + WHAT + TOLERANCE, A4[1])
CATERING = "Catering w dniu 30 listopada: Oczekuje na płatność, dieta: Wegańska"


@pytest.fixture
def senior_session(edition):
    """The program's longest title among the items people sign up for."""
    return ProgramItem.objects.get(edition=edition, slug="sesja-seniorka-w-miejscu-otwartym")


@pytest.fixture
def holder(edition, senior_session, visit):
    """A seat on the senior session, a waiting place on the visit (full), both days."""
    Edition.objects.filter(pk=edition.pk).update(
        venue_name="Centrum Kultury Podgórza", venue_address="ul. Sokolska 13"
    )
    ProgramItem.objects.filter(pk=visit.pk).update(capacity=0)
    return sign_up(
        edition,
        [senior_session, visit],
        days=list(edition.days.all()),
        last_name="Brzęczyszczykiewicz-Wojciechowska",
    )


def ticket(registration, language: str, bookings=None) -> bytes:
    with translation.override(language):
        return tickets.ticket_pdf(
            registration,
            bookings if bookings is not None else registration.bookings.select_related("item"),
            catering=CATERING,
        )


def word(words, text: str, right_of: float = 0):
    return next(w for w in words if w["text"] == text and w["x0"] >= right_of)


@pytest.mark.parametrize(
    ("language", "title_field", "confirmed", "waiting"),
    [
        ("pl", "title_pl", "potwierdzone", "lista rezerwowa, miejsce 1"),
        ("en", "title_en", "confirmed", "waiting list, position 1"),
    ],
)
def test_a_long_title_breaks_between_words_beside_its_status(
    holder, senior_session, language, title_field, confirmed, waiting
):
    title = getattr(senior_session, title_field)
    with opened(ticket(holder, language)) as pdf:
        (page,) = pdf.pages
        words = page.extract_words()
        assert [w["text"] for w in words if not inside(w, PAGE)] == []
        # The whole title, word after word, inside its column: no word cut, none over the edge.
        assert title in flat(page.within_bbox(TITLE_COLUMN).extract_text())
        if language == "pl":
            assert "działały" in [w["text"] for w in words]
        first_word = word(words, title.split()[0], right_of=TITLE_COLUMN[0])
        status = word(words, confirmed, right_of=TITLE_COLUMN[2])
        assert abs(status["top"] - first_word["top"]) < 1  # on the title's first line, not under it
        assert waiting in flat(page.extract_text())


def test_the_venue_with_a_map_link_the_days_and_the_catering(holder, edition):
    edition.refresh_from_db()
    with opened(ticket(holder, "pl")) as pdf:
        (page,) = pdf.pages
        text = flat(page.extract_text())
        map_url = ical.venue_map_url(edition)
        assert "Centrum Kultury Podgórza, ul. Sokolska 13, Kraków" in text
        assert f"Mapa: {map_url}" in text  # readable on paper
        assert [link["uri"] for link in page.hyperlinks] == [map_url]  # and clickable
        assert "Konferencja, 9:00–17:00" in text
        assert CATERING in text
        assert tickets.formatted_ticket_code(holder.ticket_code) in text
        assert holder.email not in text


def test_a_long_program_goes_on_over_pages_inside_the_margins(holder):
    bookings = list(holder.bookings.select_related("item")) * 20
    with opened(ticket(holder, "pl", bookings)) as pdf:
        assert len(pdf.pages) >= 2
        words = [w for page in pdf.pages for w in page.extract_words()]
        assert [w["text"] for w in words if not inside(w, PAGE)] == []
        assert [w["text"] for w in words].count("działały") == 20


def test_the_map_link_searches_the_venue_address_in_the_city(edition):
    edition.venue_name, edition.venue_address = "Centrum Kultury Podgórza", "ul. Sokolska 13"
    assert ical.venue_map_url(edition) == (
        "https://www.openstreetmap.org/search?query=ul.+Sokolska+13%2C+Krak%C3%B3w"
    )
    edition.venue_address = ""
    assert ical.venue_map_url(edition).endswith("query=Centrum+Kultury+Podg%C3%B3rza%2C+Krak%C3%B3w")
