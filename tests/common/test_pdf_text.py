"""Fitting text into a box: breaks between words and after hyphens, the size, the last resort."""

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from common.pdf_text import fit_lines, markup, wrap
from registration.tickets import FONT, FONT_BOLD, register_fonts


@pytest.fixture(autouse=True)
def _fonts():
    register_fonts()


def width_of(text: str, size: float = 10) -> float:
    return stringWidth(text, FONT_BOLD, size)


def test_wrap_breaks_after_a_hyphen_and_between_words():
    text = "Zofia Brzęczyszczykiewicz-Wojciechowska"
    lines = wrap(text, font=FONT_BOLD, size=10, width=width_of("Brzęczyszczykiewicz-"))
    assert lines == ["Zofia", "Brzęczyszczykiewicz-", "Wojciechowska"]
    assert wrap(text, font=FONT_BOLD, size=10, width=width_of(text)) == [text]


def test_fit_lines_shrinks_before_it_breaks():
    size, (lines,) = fit_lines(
        "Wojciechowska", font=FONT_BOLD, largest=18, smallest=10, width=width_of("Wojciechowska", 14)
    )
    assert (size, lines) == (14, ["Wojciechowska"])


def test_fit_lines_breaks_when_the_smallest_size_is_too_wide():
    width = width_of("Brzęczyszczykiewicz-", 14)
    size, (lines,) = fit_lines(
        "Brzęczyszczykiewicz-Wojciechowska", font=FONT_BOLD, largest=18, smallest=10, width=width, max_lines=2
    )
    assert (size, lines) == (14, ["Brzęczyszczykiewicz-", "Wojciechowska"])


def test_texts_share_one_size_and_the_height():
    size, lines = fit_lines(
        "Ola", "Nowak", font=FONT, largest=18, smallest=6, width=500, max_lines=2, height=2 * 12 * 1.2
    )
    assert (size, lines) == (12, [["Ola"], ["Nowak"]])


def test_the_last_resort_cuts_with_an_ellipsis_inside_the_width():
    width = width_of("Ż" * 10, 8)
    size, (lines,) = fit_lines("Ż" * 40 + " " + "Ż" * 40, font=FONT_BOLD, largest=9, smallest=8, width=width)
    assert size == 8
    assert len(lines) == 1 and lines[0].endswith("…")
    assert stringWidth(lines[0], FONT_BOLD, 8) <= width


def test_empty_text_has_no_lines():
    assert fit_lines("", font=FONT, largest=9, smallest=7, width=100, max_lines=3) == (9, [[]])


def test_markup_escapes_what_paragraphs_read_as_tags():
    assert markup("Fundacja <Ćma> & Co") == "Fundacja &lt;Ćma&gt; &amp; Co"
