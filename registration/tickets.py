"""The e-ticket: a QR code of the ticket code (never the e-mail), as SVG for the page and PDF."""

import io
import itertools
from collections.abc import Iterable
from pathlib import Path

import segno
from django.template.defaultfilters import date as format_date
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from common.pdf_text import fit_lines, markup
from program import ical
from program.models import ConferenceDay

from .models import Booking, Registration

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"


def register_fonts() -> None:
    """DejaVu Sans has every Polish letter; PDFs embed it."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, FONTS_DIR / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, FONTS_DIR / "DejaVuSans-Bold.ttf"))


def ticket_qr(registration: Registration) -> segno.QRCode:
    return segno.make(registration.ticket_code, error="m", micro=False)


def draw_ticket_qr(pdf: canvas.Canvas, registration: Registration, *, x, y, size, border: int) -> None:
    """The ticket's QR code drawn into a PDF (tickets, badges) as filled squares, one rectangle
    per run of dark modules in a row, lower left corner at (x, y), `size` wide with a quiet zone
    of `border` modules: sharp at any zoom, and several times cheaper than encoding, compressing
    and embedding an image, which the mail worker did for every ticket it attached."""
    matrix = ticket_qr(registration).matrix
    unit = size / (len(matrix) + 2 * border)
    path = pdf.beginPath()
    for row_number, row in enumerate(matrix):
        bottom = y + size - (border + row_number + 1) * unit
        column = border
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + column * unit, bottom, length * unit, unit)
            column += length
    pdf.drawPath(path, stroke=0, fill=1)


def ticket_qr_svg(registration: Registration) -> str:
    return ticket_qr(registration).svg_inline(
        scale=6, title=_("Ticket code %(code)s") % {"code": registration.ticket_code}
    )


def formatted_ticket_code(code: str) -> str:
    """Groups of four, easier to read out and type: ABCD-EFGH-…"""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


MARGIN = 20 * mm
FRAME_PADDING = 6  # reportlab's page frame keeps 6 points inside the margins
CONTENT_WIDTH = A4[0] - 2 * (MARGIN + FRAME_PADDING)
TICKET_QR_SIZE = 55 * mm
CODE_COLUMN = TICKET_QR_SIZE + 5 * mm
# The program's columns: when, what and where, the person's status on it.
PROGRAM_COLUMNS = (30 * mm, CONTENT_WIDTH - 80 * mm, 50 * mm)
_NO_PADDING = [
    (side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")
]


def ticket_pdf(registration: Registration, bookings: Iterable[Booking], *, catering: str = "") -> bytes:
    """The e-ticket as A4 pages, in the active language: the person, the QR code and its ticket
    code, the venue with a map link, their days and items (seat or waiting place) and `catering`, a
    line on their catering that the caller writes (the catering is an app above this one).
    Paragraphs break long titles between words; the status has a column of its own."""
    register_fonts()
    edition = registration.edition
    styles = _TicketStyles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        pageCompression=1,
        title=_("E-ticket") + f" — {edition.title} {edition.starts_on.year}",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    story = [
        _ticket_header(registration, styles),
        Paragraph(markup(_("Venue")), styles.heading),
        Paragraph(markup(ical.venue(edition)), styles.body),
        _map_link(ical.venue_map_url(edition), styles),
        Paragraph(markup(_("Your program")), styles.heading),
        *(
            Paragraph(markup(_day_line(attendance.day)), styles.body)
            for attendance in registration.days.all()
        ),
        Spacer(0, 2 * mm),
    ]
    bookings = sorted(bookings, key=lambda booking: booking.item.starts_at)
    if bookings:
        story.append(_program_table(bookings, styles))
    if catering:
        story += [Paragraph(markup(_("Catering")), styles.heading), Paragraph(markup(catering), styles.body)]
    document.build(story)
    return buffer.getvalue()


class _TicketStyles:
    def __init__(self):
        self.edition = ParagraphStyle("edition", fontName=FONT_BOLD, fontSize=18, leading=22)
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=9, leading=11.5)
        self.heading = ParagraphStyle(
            "heading", fontName=FONT_BOLD, fontSize=13, leading=16, spaceBefore=8 * mm, spaceAfter=2 * mm
        )
        self.ticket = ParagraphStyle(
            "ticket", parent=self.heading, fontSize=16, leading=20, spaceBefore=6 * mm
        )
        self.name = ParagraphStyle("name", fontName=FONT_BOLD, fontSize=14, leading=18)
        self.item = ParagraphStyle("item", parent=self.body, fontName=FONT_BOLD)
        self.code = ParagraphStyle("code", parent=self.body, alignment=TA_CENTER)


class _TicketQr(Flowable):
    def __init__(self, registration: Registration):
        super().__init__()
        self.registration = registration

    def wrap(self, available_width, available_height):
        return TICKET_QR_SIZE, TICKET_QR_SIZE

    def draw(self):
        draw_ticket_qr(self.canv, self.registration, x=0, y=0, size=TICKET_QR_SIZE, border=2)


def _ticket_header(registration: Registration, styles: _TicketStyles) -> Table:
    """The edition and the person on the left, the QR code and its ticket code on the right."""
    edition = registration.edition
    dates = f"{edition.starts_on:%d.%m}–{edition.ends_on:%d.%m.%Y}, {edition.city}"
    person = [
        Paragraph(markup(f"{edition.title} {edition.starts_on.year}"), styles.edition),
        Paragraph(markup(edition.subtitle), styles.body),
        Paragraph(markup(dates), styles.body),
        Paragraph(markup(_("E-ticket")), styles.ticket),
        Paragraph(markup(registration.full_name), styles.name),
    ]
    if registration.organisation_name:
        person.append(Paragraph(markup(registration.organisation_name), styles.body))
    # The ticket code broken only after a hyphen, if at all: it is read out and typed.
    size, (code_lines,) = fit_lines(
        formatted_ticket_code(registration.ticket_code),
        font=FONT,
        largest=styles.code.fontSize,
        smallest=8,
        width=CODE_COLUMN,
        max_lines=2,
    )
    code_style = ParagraphStyle("code", parent=styles.code, fontSize=size, leading=size * 1.3)
    code = [_TicketQr(registration), Paragraph("<br/>".join(map(markup, code_lines)), code_style)]
    header = Table([[person, code]], colWidths=[CONTENT_WIDTH - CODE_COLUMN, CODE_COLUMN])
    header.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "CENTER"), *_NO_PADDING])
    )
    return header


def _map_link(url: str, styles: _TicketStyles) -> Paragraph:
    """The map's address printed in full, so that it works on paper too, and clickable."""
    return Paragraph(
        f'{markup(_("Map"))}: <a href="{markup(url)}" color="#0b5ed7">{markup(url)}</a>', styles.body
    )


def _day_line(day: ConferenceDay) -> str:
    line = f"{format_date(day.date, 'l, j E Y')} — {day.title}"
    return f"{line}, {day.hours}" if day.hours else line


def _program_table(bookings: list[Booking], styles: _TicketStyles) -> Table:
    rows = []
    for booking in bookings:
        item = booking.item
        starts_at, ends_at = timezone.localtime(item.starts_at), timezone.localtime(item.ends_at)
        when = f"{markup(format_date(starts_at, 'j E'))}<br/>{starts_at:%H:%M}–{ends_at:%H:%M}"
        what = [Paragraph(markup(item.title), styles.item)]
        if where := ", ".join(part for part in (item.place, item.address) if part):
            what.append(Paragraph(markup(where), styles.small))
        status = (
            _("seat confirmed")
            if booking.is_confirmed
            else _("waiting list, position %(position)s") % {"position": booking.waitlist_position}
        )
        rows.append([Paragraph(when, styles.body), what, Paragraph(markup(status), styles.body)])
    table = Table(rows, colWidths=PROGRAM_COLUMNS)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *_NO_PADDING,
                ("RIGHTPADDING", (0, 0), (-2, -1), 3 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
            ]
        )
    )
    return table
