"""Certificates of attendance ("zaświadczenie o uczestnictwie"): one A4 page per person and
language, with the person's name, the edition, the days they were checked in on and their items on
those days (aftercare.selectors.attendance_of), the organisers, and the funders' line the funders
ask to be printed. reportlab, DejaVu Sans embedded (registration.tickets), so every Polish letter
prints; Paragraphs, so long titles wrap, and a page that would overflow is set smaller instead."""

import datetime as dt
import io
from collections.abc import Sequence
from html import escape

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer

from program.models import Edition
from program.selectors import funders_line, organisers
from registration.models import Registration
from registration.tickets import FONT, FONT_BOLD, register_fonts

from .selectors import ATTENDANCE_PREFETCHES, Attendance, attendance_of, checked_in_people

MARGIN = 22 * mm
FOOTER_HEIGHT = 28 * mm
CHUNK_SIZE = 200


def certificate_pdf(
    registration: Registration, *, languages: Sequence[str] | None = None, issued_on: dt.date | None = None
) -> bytes:
    """The person's certificate in their language, or a page in each of `languages`."""
    writer = _Writer(registration.edition, issued_on)
    writer.pdf.setTitle(_("Certificate of attendance") + f" — {registration.full_name}")
    attendance = attendance_of(registration)
    for language in languages or [registration.language]:
        writer.page(registration, attendance, language)
    return writer.finish()


def certificates_pdf(edition: Edition, *, issued_on: dt.date | None = None) -> bytes:
    """Everybody's certificate in one file for printing, a page each in the person's language, in
    the order of their names: everyone active checked in on at least one day."""
    people = checked_in_people(edition).prefetch_related(*ATTENDANCE_PREFETCHES)
    writer = _Writer(edition, issued_on)
    writer.pdf.setTitle(_("Certificates of attendance") + f" — {edition.title} {edition.starts_on.year}")
    for registration in people.iterator(chunk_size=CHUNK_SIZE):
        registration.edition = edition  # read once, not per person
        writer.page(registration, attendance_of(registration), registration.language)
    return writer.finish()


class _Writer:
    """One PDF of certificate pages; the edition's texts are read once per language."""

    def __init__(self, edition: Edition, issued_on: dt.date | None):
        register_fonts()
        self.edition = edition
        self.issued_on = issued_on or timezone.localdate()
        self.buffer = io.BytesIO()
        self.pdf = canvas.Canvas(self.buffer, pagesize=A4, pageCompression=1)
        self.organisers = organisers(edition)
        self.funders: dict[str, str] = {}
        self.pages = 0

    def page(self, registration: Registration, attendance: Attendance, language: str) -> None:
        with translation.override(language):
            if language not in self.funders:
                self.funders[language] = funders_line(self.edition)
            width, height = A4
            self.pdf.setStrokeColor(colors.HexColor("#0b5b6b"))
            self.pdf.setLineWidth(1.5)
            self.pdf.rect(MARGIN / 2, MARGIN / 2, width - MARGIN, height - MARGIN)
            body = KeepInFrame(
                width - 2 * MARGIN, height - 2 * MARGIN - FOOTER_HEIGHT, self._body(registration, attendance)
            )
            Frame(
                MARGIN, MARGIN + FOOTER_HEIGHT, width - 2 * MARGIN, height - 2 * MARGIN - FOOTER_HEIGHT
            ).addFromList([body], self.pdf)
            footer = KeepInFrame(
                width - 2 * MARGIN,
                FOOTER_HEIGHT,
                [Paragraph(escape(self.funders[language]), STYLES["footer"])],
            )
            Frame(MARGIN, MARGIN, width - 2 * MARGIN, FOOTER_HEIGHT).addFromList([footer], self.pdf)
        self.pdf.showPage()
        self.pages += 1

    def _body(self, registration: Registration, attendance: Attendance) -> list:
        edition = self.edition
        text = STYLES["text"]
        story = [
            Paragraph(
                escape(f"{edition.number}. {_('National Conference')} {edition.title}"), STYLES["edition"]
            ),
            Spacer(0, 14 * mm),
            Paragraph(escape(_("Certificate of attendance")), STYLES["title"]),
            Spacer(0, 10 * mm),
            Paragraph(escape(_("This is to certify that")), STYLES["centred"]),
            Paragraph(escape(registration.full_name), STYLES["name"]),
        ]
        if registration.organisation_name:
            story.append(Paragraph(escape(registration.organisation_name), STYLES["centred"]))
        took_part = _("took part in the %(number)s. National Conference %(title)s (%(city)s, %(dates)s).") % {
            "number": edition.number,
            "title": edition.title,
            "city": edition.city,
            "dates": edition_dates(edition),
        }
        story += [Spacer(0, 4 * mm), Paragraph(escape(took_part), STYLES["centred"])]
        if edition.subtitle:
            quoted = _("“%(subtitle)s”") % {"subtitle": edition.subtitle}
            story.append(Paragraph(escape(quoted), STYLES["centred"]))
        story += [Spacer(0, 8 * mm), Paragraph(escape(_("Days attended")), STYLES["heading"])]
        story += [
            Paragraph(escape(f"{dateformat.format(day.date, 'l, j E Y')} — {day.title}"), STYLES["entry"])
            for day in attendance.days
        ]
        if attendance.items:
            story += [Spacer(0, 4 * mm), Paragraph(escape(_("Program items attended")), STYLES["heading"])]
            story += [
                Paragraph(escape(f"{item_time(item)} — {item.title}"), STYLES["entry"])
                for item in attendance.items
            ]
        story.append(Spacer(0, 10 * mm))
        if self.organisers:
            organised = _("Organisers: %(names)s") % {"names": ", ".join(self.organisers)}
            story.append(Paragraph(escape(organised), text))
        issued = f"{edition.city}, {dateformat.format(self.issued_on, 'j E Y')}"
        story.append(Paragraph(escape(issued), text))
        return story

    def finish(self) -> bytes:
        if not self.pages:
            self.pdf.showPage()
        self.pdf.save()
        return self.buffer.getvalue()


def edition_dates(edition: Edition) -> str:
    """ "29–30 November 2023" in the active language; months or years apart written out."""
    starts, ends = edition.starts_on, edition.ends_on
    if starts == ends:
        return dateformat.format(ends, "j E Y")
    if (starts.year, starts.month) == (ends.year, ends.month):
        return f"{starts.day}–{dateformat.format(ends, 'j E Y')}"
    first = dateformat.format(starts, "j E" if starts.year == ends.year else "j E Y")
    return f"{first} – {dateformat.format(ends, 'j E Y')}"


def item_time(item) -> str:
    starts, ends = timezone.localtime(item.starts_at), timezone.localtime(item.ends_at)
    return f"{dateformat.format(starts, 'j E, H:i')}–{dateformat.format(ends, 'H:i')}"


def _style(name: str, **options) -> ParagraphStyle:
    return ParagraphStyle(name, **{"fontName": FONT, "fontSize": 11, "leading": 15, **options})


STYLES = {
    "edition": _style("edition", fontSize=12, alignment=TA_CENTER, textColor=colors.HexColor("#0b5b6b")),
    "title": _style("title", fontName=FONT_BOLD, fontSize=24, leading=30, alignment=TA_CENTER),
    "centred": _style("centred", fontSize=12, leading=17, alignment=TA_CENTER),
    "name": _style("name", fontName=FONT_BOLD, fontSize=20, leading=28, alignment=TA_CENTER, spaceBefore=6),
    "heading": _style("heading", fontName=FONT_BOLD, fontSize=12, spaceAfter=3),
    "text": _style("text", spaceAfter=2),
    # a hanging indent: a wrapped title stays clear of the next line's date
    "entry": _style("entry", leftIndent=6 * mm, firstLineIndent=-6 * mm, spaceAfter=2),
    "footer": _style("footer", fontSize=8, leading=10, alignment=TA_CENTER),
}
