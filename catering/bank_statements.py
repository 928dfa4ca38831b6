"""The organisers' bank statement: read a CSV export, match transfers to orders by their title
and amount, and mark the matched orders paid through catering.services."""

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from program.models import Edition

from . import services
from .models import CateringOrder


class StatementError(Exception):
    """The file cannot be read with the chosen settings; `message` says where and why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True, kw_only=True)
class StatementFormat:
    """How to read a bank's CSV export. Columns are numbered from 1, as in a spreadsheet."""

    date_column: int
    amount_column: int
    title_column: int
    delimiter: str = ";"
    decimal_comma: bool = True
    skip_rows: int = 1
    encoding: str = "utf-8"


@dataclass(frozen=True, kw_only=True)
class StatementLine:
    line: int
    date: dt.date
    amount: Decimal
    title: str


DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y.%m.%d")
TITLE_PATTERN = re.compile(r"MO\s*(\d{1,3})\s*[-/ ]?\s*(\d{6,})", re.IGNORECASE)


def statement_parse(*, content: bytes, spec: StatementFormat) -> list[StatementLine]:
    """Read every row of the statement, or raise StatementError naming the first bad row."""
    try:
        text = content.decode(spec.encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise StatementError(
            _("The file is not in the %(encoding)s encoding: choose the other one.")
            % {"encoding": spec.encoding}
        ) from error
    text = text.removeprefix("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=spec.delimiter))
    except csv.Error as error:
        raise StatementError(_("The file is not a CSV file: %(error)s") % {"error": error}) from error
    lines = []
    needed = max(spec.date_column, spec.amount_column, spec.title_column)
    for number, row in enumerate(rows, start=1):
        if number <= spec.skip_rows or not any(cell.strip() for cell in row):
            continue
        if len(row) < needed:
            raise StatementError(
                _(
                    "Row %(line)s has %(found)s columns, but column %(needed)s was chosen: "
                    "check the delimiter."
                )
                % {"line": number, "found": len(row), "needed": needed}
            )
        lines.append(
            StatementLine(
                line=number,
                date=_parse_date(row[spec.date_column - 1], number),
                amount=_parse_amount(row[spec.amount_column - 1], number, decimal_comma=spec.decimal_comma),
                title=row[spec.title_column - 1].strip(),
            )
        )
    if not lines:
        raise StatementError(_("The file has no rows to import."))
    return lines


def _parse_date(value: str, line: int) -> dt.date:
    value = value.strip()
    for date_format in DATE_FORMATS:
        try:
            # The first ten characters: some banks add the time of the booking.
            return dt.datetime.strptime(value[:10], date_format).date()
        except ValueError:
            continue
    raise StatementError(
        _("Row %(line)s: “%(value)s” is not a date (expected e.g. 2023-11-20 or 20.11.2023).")
        % {"line": line, "value": value}
    )


def _parse_amount(value: str, line: int, *, decimal_comma: bool) -> Decimal:
    cleaned = re.sub(r"[\s\u00a0]|PLN|zł", "", value, flags=re.IGNORECASE)
    if decimal_comma:
        # "120.00" read with a decimal comma would become 12000: refuse rather than guess.
        ambiguous = "." in cleaned and "," not in cleaned
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        ambiguous = False
        cleaned = cleaned.replace(",", "")
    try:
        if ambiguous:
            raise InvalidOperation
        return Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation as error:
        raise StatementError(
            _("Row %(line)s: “%(value)s” is not an amount: check the decimal comma setting.")
            % {"line": line, "value": value}
        ) from error


@dataclass
class StatementPreview:
    """What confirming would do: `matched` get marked paid; the rest are for a person to look at."""

    matched: list[tuple[StatementLine, CateringOrder]] = field(default_factory=list)
    amount_differs: list[tuple[StatementLine, CateringOrder]] = field(default_factory=list)
    unknown: list[tuple[StatementLine, CateringOrder | None]] = field(default_factory=list)


def statement_preview(*, edition: Edition, lines: Sequence[StatementLine]) -> StatementPreview:
    """Match each incoming transfer to the order awaiting payment its title names."""
    wanted = {}
    for line in lines:
        match = TITLE_PATTERN.search(line.title)
        if match and int(match.group(1)) == edition.number:
            wanted[line.line] = int(match.group(2))
    orders = CateringOrder.objects.filter(offer__edition=edition, pk__in=wanted.values()).select_related(
        "offer__edition", "registration"
    )
    by_id = {order.pk: order for order in orders}
    preview = StatementPreview()
    seen = set()
    for line in lines:
        order = by_id.get(wanted.get(line.line))
        if order is None or not order.awaits_payment or line.amount <= 0 or order.pk in seen:
            preview.unknown.append((line, order))
        elif line.amount == order.amount:
            seen.add(order.pk)  # a second transfer for the same order is for a person to look at
            preview.matched.append((line, order))
        else:
            preview.amount_differs.append((line, order))
    return preview


def statement_import(*, edition: Edition, lines: Sequence[StatementLine]) -> list[CateringOrder]:
    """Mark paid the orders whose transfer matches in title and amount, each with its booking
    date. Matched again at this moment: an order paid meanwhile is not marked twice."""
    marked = []
    with transaction.atomic():
        preview = statement_preview(edition=edition, lines=lines)
        by_date: dict[dt.date, list[CateringOrder]] = {}
        for line, order in preview.matched:
            by_date.setdefault(line.date, []).append(order)
        for paid_on, orders in sorted(by_date.items()):
            marked += services.catering_orders_mark_paid(orders=orders, paid_on=paid_on)
    return marked
