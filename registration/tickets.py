"""The e-ticket: a QR code of the ticket code (never the e-mail), as SVG for the page and PDF."""

import io
import itertools
from pathlib import Path

import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .models import Registration

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


def ticket_pdf(registration: Registration, bookings) -> bytes:
    register_fonts()
    edition = registration.edition
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(_("E-ticket") + f" — {edition.title} {edition.starts_on.year}")
    width, height = A4
    y = height - 25 * mm
    pdf.setFont(FONT_BOLD, 20)
    pdf.drawString(20 * mm, y, f"{edition.title} {edition.starts_on.year}")
    y -= 8 * mm
    pdf.setFont(FONT, 11)
    pdf.drawString(20 * mm, y, edition.subtitle)
    y -= 6 * mm
    dates = f"{edition.starts_on:%d.%m}–{edition.ends_on:%d.%m.%Y}, {edition.city}"
    pdf.drawString(20 * mm, y, dates)
    y -= 14 * mm
    pdf.setFont(FONT_BOLD, 16)
    pdf.drawString(20 * mm, y, _("E-ticket"))
    y -= 9 * mm
    pdf.setFont(FONT_BOLD, 14)
    pdf.drawString(20 * mm, y, registration.full_name)
    if registration.organisation_name:
        y -= 6 * mm
        pdf.setFont(FONT, 11)
        pdf.drawString(20 * mm, y, registration.organisation_name)

    draw_ticket_qr(pdf, registration, x=width - 75 * mm, y=height - 80 * mm, size=55 * mm, border=2)
    pdf.setFont(FONT, 9)
    pdf.drawCentredString(
        width - 47.5 * mm, height - 84 * mm, formatted_ticket_code(registration.ticket_code)
    )

    y = height - 100 * mm
    pdf.setFont(FONT_BOLD, 12)
    pdf.drawString(20 * mm, y, _("Your program"))
    pdf.setFont(FONT, 10)
    for booking in bookings:
        y -= 6 * mm
        start = timezone.localtime(booking.item.starts_at)
        status = (
            _("confirmed")
            if booking.is_confirmed
            else _("waiting list, position %(position)s") % {"position": booking.waitlist_position}
        )
        pdf.drawString(20 * mm, y, f"{start:%d.%m %H:%M}  {booking.item.title[:80]}")
        y -= 4.5 * mm
        pdf.drawString(30 * mm, y, status)
    for attendance in registration.days.all():
        y -= 6 * mm
        pdf.drawString(20 * mm, y, f"{attendance.day.date:%d.%m.%Y} — {attendance.day.title}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
