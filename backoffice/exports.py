"""Lists for organisers, staff, guides and funders, as CSV and XLSX.

An export is a list of `Sheet`s; a sheet is headers plus an iterator of rows, so 50,000 people
stream through once (`.iterator()` in chunks) in constant memory. Their days, bookings and
catering orders are read alongside, one query each with the list as a subquery, sorted like the
list and merged with it row by row (`RelatedRows`): a prefetch per chunk sends the chunk's ids as
thousands of parameters (building those queries took half the time), and reading them all up
front held every person's rows in memory at once. The list and its related rows are read in one
transaction, from one snapshot, so that they line up.
The attendee list is made of `ColumnSet`s: adding columns (the catering order, invoice data) is
one small class appended to `attendee_columns`. The organisers' questions are one of them: a
column per question, read from the edition's questions, so a new question needs no code.

The CSV is in the dialect Polish Excel opens with a double click: ";" between cells, every text
field in quotes, UTF-8 with a byte-order mark. A field starting with =, +, -, @, | or % gets an
apostrophe before it (and its "|" escaped) as defusedcsv, the library pretix uses, writes it; the
rule is applied here to text values only, as defusedcsv's writer, field by field in Python, empty
ones too, took 16 times the csv module's time per row. On top of that `_defuse` marks, with the
same apostrophe, a leading tab or CR and every =, +, -, @, |, %, tab or CR that follows a ";",
",", tab or line break inside a value (after spaces or quotes): a value like `Nowak;=1+1;` stays
one quoted cell, and even a reader that ignores the quotes and cuts at ";" or "," gets no cell
that starts a formula.

The XLSX is the format for Excel. A text cell there is never a formula; only a value starting
with "=" would be written as one, so free text starting with =, +, -, @, tab or CR keeps the
apostrophe (visible, it shows the value was typed that way). Numbers people read as text, marked
`Text` (phones, NIPs), are text cells with the Text format ("@") and no apostrophe: Excel neither
computes "+48 600 100 200" nor turns a NIP into a number, also when someone edits the cell.

A CSV cannot say "text" to Excel: opened directly, a field is typed by Excel, and the apostrophe
put before "+48 600 100 200" is shown (it is part of the cell, not Excel's typing prefix), while
an unmarked "+48 600 100 200" would be computed. The CSV keeps the apostrophe, the safe form for
every reader, and the XLSX is the one to open in Excel when phones matter.
"""

import codecs
import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from aftercare.selectors import feedback_comments, feedback_results
from catering import selectors
from catering.models import CateringOffer, CateringOrder, FreeTicketClaim
from program.models import ConferenceDay, Edition, ProgramItem
from registration.models import (
    MALOPOLSKA,
    VOIVODESHIPS,
    Answer,
    Booking,
    DayAttendance,
    Question,
    Registration,
)
from registration.questions import answer_labels, answer_text

CHUNK_SIZE = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Text(str):
    """A number people read as text (a phone, a NIP): a text cell in the XLSX, never a number or a
    formula, and without the apostrophe."""


def neutralise(value):
    """For the XLSX: an apostrophe before free text that would be a formula if typed in Excel."""
    if isinstance(value, str) and not isinstance(value, Text) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value):
    if isinstance(value, Promise):  # lazy translations, e.g. choice labels
        value = str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return ""
    return value


def _cell(value):
    return neutralise(_plain(value))


def choice_labels(model, field_name: str) -> dict:
    """A field's choice labels, translated once: `get_FOO_display()` rebuilds and hashes the
    choices on every call, which dominated the time of a 5,000-row export."""
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]


# --- column sets ---------------------------------------------------------------------------------


class ColumnSet:
    """Some columns of the attendee list, and what they need besides the registration row. A
    registration comes to `values` as a named tuple of its `pk` and the `fields` the column sets
    name: 50,000 model instances took a fifth of an export's time."""

    fields: tuple[str, ...] = ()

    def load(self, registrations: QuerySet) -> None:
        """Read, once for all `registrations`, the related rows `values` will look up."""

    def headers(self) -> list[str]:
        raise NotImplementedError

    def values(self, registration) -> list:
        raise NotImplementedError


class PersonColumns(ColumnSet):
    fields = ("last_name", "first_name", "email", "phone", "ticket_code", "status")

    def __init__(self):
        self.statuses = choice_labels(Registration, "status")

    def headers(self):
        return [_("Last name"), _("First name"), _("E-mail"), _("Phone"), _("Ticket code"), _("Status")]

    def values(self, r):
        return [r.last_name, r.first_name, r.email, Text(r.phone), r.ticket_code, self.statuses[r.status]]


class OrganisationColumns(ColumnSet):
    fields = ("organisation_name", "organisation_type", "role", "town", "voivodeship")

    def __init__(self):
        self.types = choice_labels(Registration, "organisation_type")
        self.voivodeships = choice_labels(Registration, "voivodeship")

    def headers(self):
        return [_("Organisation"), _("Organisation type"), _("Role"), _("Town"), _("Voivodeship")]

    def values(self, r):
        return [
            r.organisation_name,
            self.types.get(r.organisation_type, ""),
            r.role,
            r.town,
            self.voivodeships.get(r.voivodeship, r.voivodeship),
        ]


NEEDS = ("needs_wheelchair_access", "needs_sign_language", "needs_induction_loop", "needs_assistant")


class NeedsColumns(ColumnSet):
    fields = (*NEEDS, "accessibility_other", "note")

    def headers(self):
        return [_("Accessibility needs"), _("Note")]

    def values(self, r):
        return [accessibility_needs(r), r.note]


def accessibility_needs(registration) -> str:
    needs = [
        str(Registration._meta.get_field(flag).verbose_name) for flag in NEEDS if getattr(registration, flag)
    ]
    if registration.accessibility_other:
        needs.append(registration.accessibility_other)
    return "; ".join(needs)


class DaysColumns(ColumnSet):
    """One column per day: empty, "yes", or the check-in time."""

    def __init__(self, days: Sequence[ConferenceDay]):
        self.days = days
        self.column = {day.pk: n for n, day in enumerate(days)}
        self.yes = _("yes")

    def load(self, registrations):
        self.attending = RelatedRows(
            DayAttendance, registrations, "day_id", "checked_in_at", day__in=self.days
        )

    def headers(self):
        return [f"{day.date:%d.%m} {day.title}" for day in self.days]

    def values(self, r):
        row = [""] * len(self.days)
        for day_id, checked_in_at in self.attending.of(r):
            row[self.column[day_id]] = checked_in_at or self.yes
        return row


class ItemsColumns(ColumnSet):
    """One column per limited item: the seat, or the place on its waiting list. Filled from the
    person's bookings, not item by item: with 200 items most cells are empty."""

    def __init__(self, items: Sequence[ProgramItem]):
        self.items = items
        self.column = {item.pk: n for n, item in enumerate(items)}
        self.place_label = PlaceLabel()

    def load(self, registrations):
        self.bookings = RelatedRows(
            Booking, registrations, "item_id", "status", "waitlist_position", item__in=self.items
        )

    def headers(self):
        return [item.title for item in self.items]

    def values(self, r):
        row = [""] * len(self.items)
        for item_id, status, position in self.bookings.of(r):
            row[self.column[item_id]] = self.place_label(status, position)
        return row


class PlaceLabel:
    """ "seat" or "waiting, N", translated once per export (a `gettext` per booking was a tenth of
    a 50,000-person export)."""

    def __init__(self):
        self.seat = _("seat")
        self.waiting = _("waiting, %(position)s")

    def __call__(self, status: str | None, waitlist_position: int | None) -> str:
        if status is None:
            return ""
        if status == Booking.Status.CONFIRMED:
            return self.seat
        return self.waiting % {"position": waitlist_position}


class RelatedRows:
    """`fields` of the `model` rows (matching `filters`) that belong to `registrations`: one query,
    the registrations as a subquery, sorted as they are (their order ends with the primary key, so
    it is total) and read a chunk at a time. `of()` is asked for each registration in that order
    and returns its rows; the reads must share a snapshot (`one_snapshot`)."""

    def __init__(self, model, registrations: QuerySet, *fields: str, **filters):
        order = [_through_registration(name) for name in registrations.query.order_by]
        self.rows = (
            model.objects.filter(registration__in=registrations.values("pk"), **filters)
            .order_by(*order)
            .values_list("registration_id", *fields)
            .iterator(chunk_size=CHUNK_SIZE)
        )
        self.ahead = next(self.rows, None)

    def of(self, registration) -> list[tuple]:
        found = []
        while self.ahead is not None and self.ahead[0] == registration.pk:
            found.append(self.ahead[1:])
            self.ahead = next(self.rows, None)
        return found


def _through_registration(name: str) -> str:
    descending, name = name.startswith("-"), name.removeprefix("-")
    return f"{'-' if descending else ''}registration__{name}"


@contextmanager
def one_snapshot():
    """The reads inside see the database as of one moment (PostgreSQL's repeatable read; SQLite's
    transactions always do), so a list and its related rows, read by separate queries, agree."""
    starts_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if starts_transaction and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


class RegisteredColumns(ColumnSet):
    fields = ("created_at", "cancelled_at")

    def headers(self):
        return [_("Registered"), _("Cancelled")]

    def values(self, r):
        return [r.created_at, r.cancelled_at]


class CateringColumns(ColumnSet):
    """The live catering order: its state (paid, awaiting payment, free ticket, waiting for one),
    the diet and the day the transfer came."""

    def __init__(self):
        self.statuses = choice_labels(CateringOrder, "status")
        self.diets = choice_labels(CateringOrder, "diet")

    def load(self, registrations):
        self.orders = RelatedRows(
            CateringOrder,
            registrations,
            "status",
            "diet",
            "diet_note",
            "paid_on",
            status__in=CateringOrder.LIVE,
        )

    def headers(self):
        return [_("Catering"), _("Diet"), _("Diet details"), _("Catering paid on")]

    def values(self, r):
        orders = self.orders.of(r)
        if not orders:
            return ["", "", "", None]
        status, diet, diet_note, paid_on = orders[0]  # one live order at most
        return [self.statuses[status], self.diets[diet], diet_note, paid_on]


class AnswersColumns(ColumnSet):
    """One column per question the organisers asked in the edition (turned off ones too: their
    answers stay), in the form's order: the person's answer as they read it."""

    def __init__(self, questions: Sequence[Question]):
        self.questions = [(question, answer_labels(question)) for question in questions]

    def load(self, registrations):
        self.answers = RelatedRows(Answer, registrations, "question_id", "value") if self.questions else None

    def headers(self):
        return [question.text for question, _labels in self.questions]

    def values(self, r):
        if self.answers is None:
            return []
        given = dict(self.answers.of(r))
        return [
            answer_text(question, given[question.pk], labels) if question.pk in given else ""
            for question, labels in self.questions
        ]


def attendee_columns(edition: Edition) -> list[ColumnSet]:
    return [
        PersonColumns(),
        OrganisationColumns(),
        NeedsColumns(),
        DaysColumns(list(edition.days.order_by("date"))),
        ItemsColumns(list(ProgramItem.objects.filter(edition=edition, capacity__isnull=False))),
        CateringColumns(),
        AnswersColumns(list(Question.objects.filter(edition=edition).prefetch_related("choices"))),
        RegisteredColumns(),
    ]


def registration_rows(queryset: QuerySet, column_sets: Sequence[ColumnSet]) -> Iterator[list]:
    fields = dict.fromkeys(["pk", *(name for column_set in column_sets for name in column_set.fields)])
    with one_snapshot():
        for column_set in column_sets:
            column_set.load(queryset)
        for registration in queryset.values_list(*fields, named=True).iterator(chunk_size=CHUNK_SIZE):
            yield [value for column_set in column_sets for value in column_set.values(registration)]


def attendee_list(*, edition: Edition, queryset: QuerySet) -> Sheet:
    """The admin list's registrations (filtered or selected there), all columns."""
    column_sets = attendee_columns(edition)
    return Sheet(
        title=_("Attendees"),
        headers=[header for s in column_sets for header in s.headers()],
        rows=registration_rows(queryset.order_by("last_name", "first_name", "pk"), column_sets),
    )


class PlaceColumns(ColumnSet):
    """For one item's list: the seat or waiting position (annotated on the query)."""

    fields = ("place_status", "place_position")

    def __init__(self):
        self.place_label = PlaceLabel()

    def headers(self):
        return [_("No."), _("Place")]

    def values(self, r):
        # Seats get their number as the rows are written (`_numbered_seats`).
        return [r.place_position, self.place_label(r.place_status, r.place_position)]


def item_list(*, item: ProgramItem) -> Sheet:
    """For the guide: confirmed people by name, then the waiting list in order."""
    column_sets = [PlaceColumns(), PersonColumns(), OrganisationColumns(), NeedsColumns()]
    queryset = (
        Registration.objects.filter(bookings__item=item)
        .annotate(place_status=F("bookings__status"), place_position=F("bookings__waitlist_position"))
        .order_by(F("place_position").asc(nulls_first=True), "last_name", "first_name", "pk")
    )
    return Sheet(
        title=item.title[:31],
        headers=[header for s in column_sets for header in s.headers()],
        rows=_numbered_seats(registration_rows(queryset, column_sets)),
    )


def _numbered_seats(rows: Iterator[list]) -> Iterator[list]:
    """Seats are numbered 1, 2, … in the order listed (waiting places keep their position)."""
    for number, row in enumerate(rows, start=1):
        if row[0] is None:
            row[0] = number
        yield row


# --- catering -----------------------------------------------------------------------------------


def catering_list(*, edition: Edition) -> Sheet:
    """For the caterer: meals per diet, then every held meal (paid, awaiting payment, free) by
    name with the diet and its details."""
    counts = selectors.catering_diet_counts(edition)
    orders = (
        CateringOrder.objects.filter(offer__edition=edition, status__in=CateringOrder.MEALS)
        .select_related("registration")
        .order_by("registration__last_name", "registration__first_name", "pk")
    )

    def rows():
        for diet, count in counts.items():
            yield [CateringOrder.Diet(diet).label, count]
        yield [_("Total"), sum(counts.values())]
        yield []
        yield [_("Last name"), _("First name"), _("Diet"), _("Diet details"), _("Catering")]
        for order in orders.iterator(chunk_size=CHUNK_SIZE):
            person = order.registration
            yield [
                person.last_name,
                person.first_name,
                order.get_diet_display(),
                order.diet_note,
                order.get_status_display(),
            ]

    return Sheet(title=_("Catering"), headers=[_("Diet"), _("Meals")], rows=rows())


def catering_invoices(*, edition: Edition) -> Sheet:
    """For the accountant: every transfer received, with the buyer's invoice data where the
    person asked for an invoice. A received transfer whose meal later became a free ticket or was
    cancelled is listed too, with that state: the money is to be refunded."""
    orders = (
        CateringOrder.objects.filter(offer__edition=edition, paid_on__isnull=False)
        .select_related("registration", "offer__edition")
        .order_by("paid_on", "pk")
    )
    return Sheet(
        title=_("Paid catering"),
        headers=[
            _("Transfer title"),
            _("Paid on"),
            _("Amount (PLN)"),
            _("Buyer's name"),
            _("Buyer's NIP"),
            _("Buyer's address"),
            _("Paid by"),
            _("E-mail"),
            _("Catering"),
        ],
        rows=(
            [
                order.transfer_title,
                order.paid_on,
                order.amount,
                order.invoice_name,
                Text(order.invoice_nip),
                order.invoice_address,
                order.registration.full_name,
                order.registration.email,
                order.get_status_display(),
            ]
            for order in orders.iterator(chunk_size=CHUNK_SIZE)
        ),
    )


# --- funders ------------------------------------------------------------------------------------


def funder_report(*, edition: Edition) -> list[Sheet]:
    """Participants (active registrations): all and from Małopolska, by organisation type and town,
    per day (registered, checked in), and the Małopolska free tickets (granted, used). Anonymised
    people count as they did: after an edition their registrations, days and claims stay."""
    active = Registration.objects.filter(edition=edition, status=Registration.Status.ACTIVE)
    from_region = Q(voivodeship=MALOPOLSKA)
    totals = active.aggregate(all=Count("pk"), region=Count("pk", filter=from_region))
    region_name = dict(VOIVODESHIPS)[MALOPOLSKA]

    types = dict(Registration.OrganisationType.choices)
    by_type = (
        active.values("organisation_type")
        .annotate(all=Count("pk"), region=Count("pk", filter=from_region))
        .order_by("-all", "organisation_type")
    )
    by_town = active.filter(from_region).values("town").annotate(count=Count("pk")).order_by("-count", "town")
    days = ConferenceDay.objects.filter(edition=edition).annotate(
        registered=Count("attendances", filter=Q(attendances__registration__in=active)),
        region=Count(
            "attendances",
            filter=Q(attendances__registration__in=active.filter(from_region)),
        ),
        checked_in=Count(
            "attendances",
            filter=Q(attendances__registration__in=active, attendances__checked_in_at__isnull=False),
        ),
    )
    return [
        Sheet(
            title=_("Totals"),
            headers=[_("Figure"), _("Participants")],
            rows=[
                [_("Participants"), totals["all"]],
                [_("from %(region)s") % {"region": region_name}, totals["region"]],
            ],
        ),
        Sheet(
            title=_("Organisation types"),
            headers=[_("Organisation type"), _("Participants"), region_name],
            rows=[
                [types.get(row["organisation_type"], _("not given")), row["all"], row["region"]]
                for row in by_type
            ],
        ),
        Sheet(
            title=_("Towns"),
            headers=[_("Town") + f" ({region_name})", _("Participants")],
            rows=[[row["town"], row["count"]] for row in by_town],
        ),
        Sheet(
            title=_("Days"),
            headers=[_("Day"), _("Registered"), region_name, _("Checked in")],
            rows=[[str(day), day.registered, day.region, day.checked_in] for day in days],
        ),
        *_free_tickets(edition),
    ]


def _free_tickets(edition: Edition) -> list[Sheet]:
    offer = CateringOffer.objects.filter(edition=edition).first()
    if offer is None:
        return []
    claims = FreeTicketClaim.objects.filter(offer=offer, registration__status=Registration.Status.ACTIVE)
    approved = Q(status=FreeTicketClaim.Status.APPROVED)
    counts = claims.aggregate(
        # distinct: the days' join gives a claim one row per day of the person.
        granted=Count("pk", filter=approved, distinct=True),
        used=Count(
            "pk",
            filter=approved
            & Q(registration__days__day=offer.day_id, registration__days__checked_in_at__isnull=False),
            distinct=True,
        ),
        waitlisted=Count("pk", filter=Q(status=FreeTicketClaim.Status.WAITLISTED), distinct=True),
    )
    return [
        Sheet(
            title=_("Free tickets"),
            headers=[_("Figure"), _("Tickets")],
            rows=[
                [_("Quota"), offer.free_ticket_quota],
                [_("Granted"), counts["granted"]],
                [_("Used (checked in on the catering day)"), counts["used"]],
                [_("On the waiting list"), counts["waitlisted"]],
            ],
        )
    ]


# --- the feedback survey -------------------------------------------------------------------------


def feedback_sheets(*, edition: Edition) -> dict[str, Sheet]:
    """The survey's results, anonymous: per day and rated item the number of ratings, the average
    and how many gave each mark; and the comments alone, in the answers' random order, without the
    ratings that came with them (a rare combination of items could tell whose a comment is)."""
    results = feedback_results(edition)
    marks = [str(n) for n in range(1, 6)]
    return {
        "ratings": Sheet(
            title=_("Ratings"),
            headers=[_("Day or program item"), _("Ratings"), _("Average"), *marks],
            rows=[[_rated(row.subject), row.count, row.average, *row.spread] for row in results.rows],
        ),
        "comments": Sheet(
            title=_("Comments"),
            headers=[_("Comment")],
            rows=([comment] for comment in feedback_comments(edition).iterator(chunk_size=CHUNK_SIZE)),
        ),
    }


def _rated(subject) -> str:
    if isinstance(subject, ConferenceDay):
        return str(subject)
    return f"{timezone.localtime(subject.starts_at):%d.%m.%Y %H:%M} {subject.title}"


# --- writers ------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def csv_response(sheet: Sheet, filename: str) -> StreamingHttpResponse:
    """Polish Excel's dialect (";", text quoted, UTF-8 with a byte-order mark so Excel shows the
    Polish letters), defused (the module's docstring); streamed `CHUNK_SIZE` rows at a time."""
    return _attachment(
        StreamingHttpResponse(csv_chunks(sheet), content_type="text/csv; charset=utf-8"), filename, "csv"
    )


def csv_chunks(sheet: Sheet) -> Iterator[bytes]:
    writer = csv.writer(_Echo(), delimiter=";", quoting=csv.QUOTE_NONNUMERIC)
    lines = [codecs.BOM_UTF8.decode() + writer.writerow([_csv_text(h) for h in sheet.headers])]
    for row in sheet.rows:
        # Most cells of a long list are empty (an item the person has no place on): no call for them.
        lines.append(writer.writerow([value if value == "" else _csv_text(value) for value in row]))
        if len(lines) == CHUNK_SIZE:
            yield "".join(lines).encode()
            lines = []
    if lines:
        yield "".join(lines).encode()


def _csv_text(value):
    if value.__class__ is str:  # most cells: straight to the check
        return _defuse(value)
    value = _plain(value)
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return _defuse(str(value)) if isinstance(value, str) else value


# A place where a cell may start: the value's start, or after a separator or line break inside it
# (then spaces or quotes), followed by a formula character.
_CELL_START = re.compile(r"(?:^|(?<=[;,\t\r\n]))[ \"]*(?=[=+\-@|%\t\r])")
DEFUSEDCSV_STARTS = ("=", "+", "-", "@", "|", "%")
_NUMBER = re.compile(r"-?[0-9,.]+")
_FORMULA_CHARACTER = re.compile(r"[=+\-@|%\t\r]")


def _defuse(text: str) -> str:
    """An apostrophe wherever a cell could start a formula; at the value's own start, for =, +, -,
    @, | and %, as defusedcsv does it: its "|" escaped too, and a number like "-1,5" left alone."""
    if not _FORMULA_CHARACTER.search(text):  # most values: one scan, in C
        return text

    def mark(match: re.Match) -> str:
        if match.start() == 0 and not match.group() and text.startswith(DEFUSEDCSV_STARTS):
            return ""
        return match.group() + "'"

    defused = _CELL_START.sub(mark, text)
    if defused.startswith(DEFUSEDCSV_STARTS) and not _NUMBER.fullmatch(defused):
        return "'" + defused.replace("|", "\\|")
    return defused


def xlsx_file(sheets: Sequence[Sheet]):
    """The workbook in an anonymous temporary file, at its start: the rows go to disk as they are
    written (openpyxl's write-only mode), and so does the zipped workbook."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=_sheet_title(sheet.title))
        worksheet.append([_cell(h) for h in sheet.headers])
        for row in sheet.rows:
            # An empty cell is left out of the file (None); most cells of a long list are.
            worksheet.append([None if value == "" else _xlsx_cell(worksheet, value) for value in row])
    file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, which deletes it)
    workbook.save(file)
    file.seek(0)
    return file


def _xlsx_cell(worksheet, value):
    if value.__class__ is str:  # most cells: only the formula check
        return neutralise(value)
    value = _cell(value)
    if not isinstance(value, Text) or not value:
        return value
    cell = WriteOnlyCell(worksheet, value=str(value))
    cell.data_type = "s"  # text, even when it starts with "=" (openpyxl would make that a formula)
    cell.number_format = "@"  # Excel's Text format: it stays text when someone edits the cell
    return cell


def _sheet_title(title: str) -> str:
    for forbidden in "[]:*?/\\":
        title = title.replace(forbidden, " ")
    return title[:31]


def xlsx_response(sheets: Sequence[Sheet], filename: str) -> FileResponse:
    return _attachment(
        FileResponse(
            xlsx_file(sheets),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        filename,
        "xlsx",
    )


def _attachment(response, filename: str, extension: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


def sheet_response(sheet: Sheet, filename: str, file_format: str) -> HttpResponseBase:
    if file_format == "csv":
        return csv_response(sheet, filename)
    return xlsx_response([sheet], filename)
