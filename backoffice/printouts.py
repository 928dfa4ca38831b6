"""Printed documents for the door: the sign-in sheet ("lista obecności") and name badges.

Both use reportlab with DejaVu Sans embedded, so every Polish letter prints.
"""

import functools
import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

from common.pdf_text import fit_lines, markup
from program.models import Edition
from program.selectors import funders_line
from registration.models import Registration
from registration.tickets import FONT, FONT_BOLD, draw_ticket_qr, formatted_ticket_code, register_fonts


def edition_heading(edition: Edition) -> str:
    return f"{edition.number}. {edition.title} {edition.starts_on.year} — {edition.city}"


class _NumberedCanvas(canvas.Canvas):
    """Writes "page N of M" on each page once the total is known."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self.setFont(FONT, 8)
            self.drawRightString(
                A4[0] - 15 * mm,
                10 * mm,
                _("page %(page)s of %(total)s") % {"page": self._pageNumber, "total": total},
            )
            super().showPage()
        super().save()


# Number, name, organisation, signature: 180 mm of the page's 210.
SHEET_COLUMNS = [12 * mm, 55 * mm, 70 * mm, 43 * mm]
SHEET_WIDTH = A4[0] - 30 * mm
CELL_PADDING = 6  # reportlab's table cells: 6 points left and right
LEADING = 1.2


def sign_in_sheet_pdf(*, edition: Edition, subject: str, registrations: Iterable[Registration]) -> bytes:
    """A table to sign: number, name, organisation, signature; the edition on top of each page,
    the funders' line at the bottom."""
    register_fonts()
    rows = [[_("No."), _("Name"), _("Organisation"), _("Signature")]]
    for number, registration in enumerate(registrations, start=1):
        rows.append(
            [
                str(number),
                _sheet_cell(f"{registration.last_name} {registration.first_name}", SHEET_COLUMNS[1], 3),
                _sheet_cell(registration.organisation_name, SHEET_COLUMNS[2], 4),
                "",
            ]
        )
    table = LongTable(rows, colWidths=SHEET_COLUMNS, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]),
                ("MINROWHEIGHT", (0, 1), (-1, -1), 11 * mm),
            ]
        )
    )
    heading, funders = edition_heading(edition), funders_line(edition)
    title = _("Sign-in sheet")

    heading_size, (heading_lines,) = fit_lines(
        heading, font=FONT_BOLD, largest=12, smallest=9, width=SHEET_WIDTH
    )
    # An item's title can be long: the subject wraps to a second line before it overflows the page.
    subject_size, (subject_lines,) = fit_lines(
        f"{title}: {subject}", font=FONT, largest=10, smallest=8, width=SHEET_WIDTH, max_lines=2
    )

    def decorate(pdf, doc):
        pdf.saveState()
        _draw_lines(pdf, heading_lines, FONT_BOLD, heading_size, 15 * mm, A4[1] - 11 * mm)
        _draw_lines(pdf, subject_lines, FONT, subject_size, 15 * mm, A4[1] - 18 * mm)
        pdf.setFont(FONT, 7)
        for line_number, line in enumerate(simpleSplit(funders, FONT, 7, A4[0] - 60 * mm)):
            pdf.drawString(15 * mm, 14 * mm - line_number * 3 * mm, line)
        pdf.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"{title}: {subject}",
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=30 * mm,
        bottomMargin=24 * mm,
    )
    document.build([table], onFirstPage=decorate, onLaterPages=decorate, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _sheet_cell(text: str, column_width: float, max_lines: int) -> Paragraph:
    """A name or an organisation in its column: smaller type before a break, and a break between
    words or after a hyphen, never inside a word."""
    size, (lines,) = fit_lines(
        text, font=FONT, largest=9, smallest=7, width=column_width - 2 * CELL_PADDING, max_lines=max_lines
    )
    return Paragraph("<br/>".join(markup(line) for line in lines), _cell_style(size))


@functools.cache
def _cell_style(size: float) -> ParagraphStyle:
    return ParagraphStyle(f"cell-{size}", fontName=FONT, fontSize=size, leading=size * LEADING)


def _draw_lines(pdf, lines: Sequence[str], font: str, size: float, x: float, top: float) -> float:
    """Lines `LEADING` apart, the first one's letters reaching up to `top`; returns where the
    last line's room ends."""
    pdf.setFont(font, size)
    baseline = top - pdfmetrics.getAscent(font, size)
    for line in lines:
        pdf.drawString(x, baseline, line)
        baseline -= size * LEADING
    return top - len(lines) * size * LEADING


# --- badges -------------------------------------------------------------------------------------

BADGE_WIDTH, BADGE_HEIGHT = 90 * mm, 55 * mm
COLUMNS, ROWS = 2, 5
MARGIN_X = (A4[0] - COLUMNS * BADGE_WIDTH) / 2
MARGIN_Y = (A4[1] - ROWS * BADGE_HEIGHT) / 2
CUT_MARK = 5 * mm
QR_SIZE = 26 * mm


def badges_pdf(*, edition: Edition, registrations: Iterable[Registration]) -> bytes:
    """Ten badges per A4 sheet, cut marks in the margins: name, organisation, edition and the
    ticket's QR code (staff can scan a badge like the e-ticket)."""
    register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("Name badges") + f" — {edition.title} {edition.starts_on.year}")
    per_page = COLUMNS * ROWS
    count = 0
    for count, registration in enumerate(registrations, start=1):
        slot = (count - 1) % per_page
        if slot == 0:
            if count > 1:
                pdf.showPage()
            _cut_marks(pdf)
        column, row = slot % COLUMNS, slot // COLUMNS
        x = MARGIN_X + column * BADGE_WIDTH
        y = A4[1] - MARGIN_Y - (row + 1) * BADGE_HEIGHT
        _badge(pdf, x, y, edition, registration)
    if count == 0:
        _cut_marks(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _cut_marks(pdf) -> None:
    pdf.setLineWidth(0.3)
    top, bottom = A4[1] - MARGIN_Y, MARGIN_Y
    for column in range(COLUMNS + 1):
        x = MARGIN_X + column * BADGE_WIDTH
        pdf.line(x, top + 1 * mm, x, top + 1 * mm + CUT_MARK)
        pdf.line(x, bottom - 1 * mm, x, bottom - 1 * mm - CUT_MARK)
    for row in range(ROWS + 1):
        y = bottom + row * BADGE_HEIGHT
        pdf.line(MARGIN_X - 1 * mm, y, MARGIN_X - 1 * mm - CUT_MARK, y)
        right = A4[0] - MARGIN_X
        pdf.line(right + 1 * mm, y, right + 1 * mm + CUT_MARK, y)


def _badge(pdf, x: float, y: float, edition: Edition, registration: Registration) -> None:
    """The edition across the top; the name, then the organisation, in the column left of the QR
    code, as large as they fit; the QR code with its ticket code under it on the right."""
    padding = 5 * mm
    size, (lines,) = fit_lines(
        edition_heading(edition), font=FONT, largest=7, smallest=5, width=BADGE_WIDTH - 2 * padding
    )
    _draw_lines(pdf, lines, FONT, size, x + padding, y + BADGE_HEIGHT - padding)

    # The text's column: below the edition, left of the QR code.
    top, bottom = y + BADGE_HEIGHT - padding - 4 * mm, y + padding
    width = BADGE_WIDTH - QR_SIZE - 3 * padding
    gap = 2 * mm
    organisation_size, (organisation,) = fit_lines(
        registration.organisation_name, font=FONT, largest=9, smallest=6.5, width=width, max_lines=3
    )
    organisation_height = len(organisation) * organisation_size * LEADING + (gap if organisation else 0)
    name_size, name = fit_lines(
        registration.first_name,
        registration.last_name,
        font=FONT_BOLD,
        largest=18,
        smallest=10,
        width=width,
        max_lines=2,
        height=top - bottom - organisation_height,
        leading=LEADING,
    )
    top = _draw_lines(pdf, [*name[0], *name[1]], FONT_BOLD, name_size, x + padding, top)
    _draw_lines(pdf, organisation, FONT, organisation_size, x + padding, top - gap)

    # The ticket code under the QR code, broken after a hyphen to stay as wide as the code.
    code_size, (code,) = fit_lines(
        formatted_ticket_code(registration.ticket_code),
        font=FONT,
        largest=6,
        smallest=4.5,
        width=QR_SIZE,
        max_lines=2,
    )
    qr_x = x + BADGE_WIDTH - padding - QR_SIZE
    qr_y = bottom + len(code) * code_size * LEADING + 1 * mm
    draw_ticket_qr(pdf, registration, x=qr_x, y=qr_y, size=QR_SIZE, border=1)
    pdf.setFont(FONT, code_size)
    baseline = qr_y - 1 * mm - pdfmetrics.getAscent(FONT, code_size)
    for line in code:
        pdf.drawCentredString(qr_x + QR_SIZE / 2, baseline, line)
        baseline -= code_size * LEADING
