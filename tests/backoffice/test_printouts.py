"""Badges and sign-in sheets keep every word inside its box: a long name shrinks, then breaks
between words or after a hyphen, and never runs into the QR code or the next column."""

from itertools import pairwise

import pytest
from django.utils import translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from backoffice import printouts
from program.models import ProgramItem
from tests.factories import sign_up
from tests.pdf_layout import bounds, flat, inside, opened, overlaps

pytestmark = pytest.mark.django_db

SURNAME = "Brzęczyszczykiewicz-Wojciechowska"
ORGANISATION = (
    "Stowarzyszenie Przyjaciół Miejsc Otwartych i Sąsiedzkich Inicjatyw Międzypokoleniowych "
    "w Małopolsce oraz Fundacja Wspierania Lokalnych Społeczności Wiejskich i Miejskich"
)


@pytest.fixture
def long_names(edition):
    return [
        sign_up(edition, first_name="Zofia", last_name=SURNAME, organisation_name=ORGANISATION),
        sign_up(edition, first_name="Małgorzata-Aleksandra Katarzyna", last_name=f"{SURNAME} Nowak"),
        # No break anywhere: the last resort, cut with an ellipsis.
        sign_up(edition, first_name="Jan", last_name="Ż" * 60, organisation_name="O" * 300),
        sign_up(edition, first_name="Ola", last_name="Nowak", organisation_name=""),
    ]


def badge_cells():
    for row in range(printouts.ROWS):
        for column in range(printouts.COLUMNS):
            x0 = printouts.MARGIN_X + column * printouts.BADGE_WIDTH
            top = printouts.MARGIN_Y + row * printouts.BADGE_HEIGHT
            yield x0, top, x0 + printouts.BADGE_WIDTH, top + printouts.BADGE_HEIGHT


def centre_in(word, cell) -> bool:
    x, y = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]


class TestBadges:
    def test_no_word_leaves_its_badge_or_touches_the_qr_code(self, long_names, edition):
        with (
            translation.override("pl"),
            opened(printouts.badges_pdf(edition=edition, registrations=long_names)) as pdf,
        ):
            (page,) = pdf.pages
            words = page.extract_words()
            badges = [cell for cell in badge_cells() if any(centre_in(w, cell) for w in words)]
            assert len(badges) == len(long_names)
            for cell in badges:
                qr = bounds(rect for rect in page.rects if inside(rect, cell))
                in_cell = [w for w in words if centre_in(w, cell)]
                assert [w["text"] for w in in_cell if not inside(w, cell)] == []
                assert [w["text"] for w in in_cell if overlaps(w, qr)] == []
            texts = [w["text"] for w in words]
            # Broken after the hyphen, both halves whole.
            assert "Brzęczyszczykiewicz-" in texts and "Wojciechowska" in texts
            assert "Małopolsce" in texts
            assert any(text.endswith("…") for text in texts)

    def test_a_short_name_keeps_the_largest_type(self, edition):
        registration = sign_up(edition, first_name="Ola", last_name="Nowak")
        with opened(printouts.badges_pdf(edition=edition, registrations=[registration])) as pdf:
            sizes = {round(char["size"]) for char in pdf.pages[0].chars if char["text"] in "OlaNowk"}
        assert 18 in sizes


class TestSignInSheet:
    COLUMN_EDGES = [15 * mm]
    for width in printouts.SHEET_COLUMNS:
        COLUMN_EDGES.append(COLUMN_EDGES[-1] + width)

    def test_names_and_organisations_stay_in_their_columns(self, long_names, edition):
        senior = ProgramItem.objects.get(edition=edition, slug="sesja-seniorka-w-miejscu-otwartym")
        subject = f"29.11.2026 10:00 {senior.title_pl}"
        with translation.override("pl"):
            content = printouts.sign_in_sheet_pdf(edition=edition, subject=subject, registrations=long_names)
        with opened(content) as pdf:
            (page,) = pdf.pages
            words = page.extract_words()
            page_box = (15 * mm, 0, A4[0] - 15 * mm, A4[1])
            assert [w["text"] for w in words if not inside(w, page_box)] == []
            table_top = min(w["top"] for w in words if w["text"] == "Lp.")
            table_bottom = A4[1] - 24 * mm  # the funders' line and the page number are below
            columns = [(left, table_top, right, table_bottom) for left, right in pairwise(self.COLUMN_EDGES)]
            rows = [w for w in words if table_top <= w["top"] < table_bottom]
            assert [w["text"] for w in rows if not any(inside(w, column) for column in columns)] == []
            texts = [w["text"] for w in words]
            assert "Brzęczyszczykiewicz-" in texts and "Wojciechowska" in texts
            # The item's long title wraps above the table rather than off the page.
            assert senior.title_pl in flat(page.extract_text())
            assert max(w["bottom"] for w in words if w["text"] == "lokalnej?") < table_top
