"""Printed documents for the door: the sign-in sheet ("lista obecności") and name badges.

Both use reportlab with DejaVu Sans embedded, so every Polish letter prints.
"""

import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

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


def sign_in_sheet_pdf(*, edition: Edition, subject: str, registrations: Iterable[Registration]) -> bytes:
    """A table to sign: number, name, organisation, signature; the edition on top of each page,
    the funders' line at the bottom."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=11)
    rows = [[_("No."), _("Name"), _("Organisation"), _("Signature")]]
    for number, registration in enumerate(registrations, start=1):
        rows.append(
            [
                str(number),
                Paragraph(_escape(f"{registration.last_name} {registration.first_name}"), body),
                Paragraph(_escape(registration.organisation_name), body),
                "",
            ]
        )
    table = LongTable(rows, colWidths=[12 * mm, 55 * mm, 70 * mm, 43 * mm], repeatRows=1)
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

    def decorate(pdf, doc):
        pdf.saveState()
        pdf.setFont(FONT_BOLD, 12)
        pdf.drawString(15 * mm, A4[1] - 15 * mm, heading)
        pdf.setFont(FONT, 10)
        pdf.drawString(15 * mm, A4[1] - 21 * mm, f"{title}: {subject}")
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
        topMargin=27 * mm,
        bottomMargin=24 * mm,
    )
    document.build([table], onFirstPage=decorate, onLaterPages=decorate, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


def _fitting_size(text: str, font: str, largest: float, smallest: float, width: float) -> float:
    size = largest
    while size > smallest and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _badge(pdf, x: float, y: float, edition: Edition, registration: Registration) -> None:
    padding = 5 * mm
    text_width = BADGE_WIDTH - QR_SIZE - 3 * padding
    pdf.setFont(FONT, 7)
    pdf.drawString(x + padding, y + BADGE_HEIGHT - padding - 2 * mm, edition_heading(edition))

    top = y + BADGE_HEIGHT - 20 * mm
    for line in (registration.first_name, registration.last_name):
        size = _fitting_size(line, FONT_BOLD, 18, 9, text_width)
        pdf.setFont(FONT_BOLD, size)
        pdf.drawString(x + padding, top, line)
        top -= size * 1.2
    lines: Sequence[str] = simpleSplit(registration.organisation_name, FONT, 9, text_width)
    pdf.setFont(FONT, 9)
    for line in lines[:3]:
        top -= 4 * mm
        pdf.drawString(x + padding, top, line)

    qr_x = x + BADGE_WIDTH - padding - QR_SIZE
    draw_ticket_qr(pdf, registration, x=qr_x, y=y + padding + 3 * mm, size=QR_SIZE, border=1)
    pdf.setFont(FONT, 5)
    pdf.drawCentredString(qr_x + QR_SIZE / 2, y + padding, formatted_ticket_code(registration.ticket_code))
