import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catering import bank_statements, payments
from catering.bank_statements import StatementError, StatementFormat
from catering.models import CateringOrder
from catering.services import catering_orders_mark_paid
from outbox.models import OutgoingMail
from program.validators import validate_nip, validate_polish_iban

from .conftest import paid, register

SPEC = StatementFormat(
    date_column=1, amount_column=3, title_column=2, delimiter=";", decimal_comma=True, skip_rows=1
)


def test_iban_validation():
    validate_polish_iban("PL50 1090 1014 0000 0000 1234 5678")
    with pytest.raises(ValidationError):
        validate_polish_iban("PL50 1090 1014 0000 0000 1234 5679")  # checksum
    with pytest.raises(ValidationError):
        validate_polish_iban("DE89 3704 0044 0532 0130 00")  # valid, but not Polish


def test_nip_validation():
    validate_nip("123-456-32-18")
    with pytest.raises(ValidationError):
        validate_nip("123-456-32-19")


def test_zbp_qr_payload(edition):
    order = register(edition, paid()).catering_orders.select_related("offer__edition").get()

    assert payments.zbp_qr_payload(order) == (
        f"|PL|50109010140000000012345678|012000|Fundacja Biuro Inicj|MO7-{order.pk:06d}|||"
    )


def test_bank_transfer_instructions(edition):
    order = register(edition, paid()).catering_orders.select_related("offer__edition").get()

    instructions = payments.payment_method_for(order).instructions(order)

    assert (instructions.amount, instructions.due, instructions.title, instructions.account) == (
        Decimal("120.00"),
        dt.date(2030, 11, 8),
        f"MO7-{order.pk:06d}",
        "PL50 1090 1014 0000 0000 1234 5678",
    )
    assert instructions.recipient == "Fundacja Biuro Inicjatyw Społecznych"
    assert instructions.qr_svg.startswith("<svg")


def test_transfer_code_is_drawn_once(edition, monkeypatch):
    """The code depends only on the transfer's details: drawn once, then read from the cache."""
    order = register(edition, paid()).catering_orders.select_related("offer__edition").get()
    first = payments.payment_method_for(order).instructions(order).qr_svg
    monkeypatch.setattr(payments.segno, "make", None)  # drawing again would fail

    assert payments.payment_method_for(order).instructions(order).qr_svg == first
    order.amount += 1  # another transfer: another code
    with pytest.raises(TypeError):
        payments.payment_method_for(order).instructions(order)


def statement(*rows: str, header="Data;Tytuł;Kwota") -> bytes:
    return "\n".join([header, *rows]).encode()


def test_statement_preview_and_import(edition):
    orders = [register(edition, paid()).catering_orders.get() for _ in range(4)]
    paid_already = orders[3]
    catering_orders_mark_paid(orders=[paid_already], paid_on=dt.date(2030, 11, 2))
    content = statement(
        f"2030-11-03;Przelew MO7-{orders[0].pk:06d} catering;120,00",
        f"04.11.2030;mo7 {orders[1].pk:06d};1 120,00",
        f"2030-11-04;MO7-{orders[2].pk:06d};100,00",
        "2030-11-04;Darowizna;50,00",
        f"2030-11-05;MO7-{paid_already.pk:06d};120,00",
        "",
    )
    lines = bank_statements.statement_parse(content=content, spec=SPEC)

    preview = bank_statements.statement_preview(edition=edition, lines=lines)

    assert [(line.line, order.pk) for line, order in preview.matched] == [(2, orders[0].pk)]
    assert [(line.line, order.pk) for line, order in preview.amount_differs] == [
        (3, orders[1].pk),
        (4, orders[2].pk),
    ]
    assert [(line.line, order and order.pk) for line, order in preview.unknown] == [
        (5, None),
        (6, paid_already.pk),
    ]
    assert CateringOrder.objects.filter(status="paid").count() == 1  # a preview changes nothing

    marked = bank_statements.statement_import(edition=edition, lines=lines)

    assert [order.pk for order in marked] == [orders[0].pk]
    orders[0].refresh_from_db()
    assert (orders[0].status, orders[0].paid_on) == ("paid", dt.date(2030, 11, 3))
    assert OutgoingMail.objects.filter(kind="payment_received").count() == 2


def test_statement_with_decimal_point_and_comma_delimiter(edition):
    order = register(edition, paid()).catering_orders.get()
    spec = StatementFormat(
        date_column=2, amount_column=4, title_column=3, delimiter=",", decimal_comma=False, skip_rows=2
    )
    content = b'Bank export\nid,date,title,amount\n17,2030-11-03,"MO7-%06d, Kowalska",120.00\n' % order.pk

    lines = bank_statements.statement_parse(content=content, spec=spec)

    assert lines == [
        bank_statements.StatementLine(
            line=3, date=dt.date(2030, 11, 3), amount=Decimal("120.00"), title=f"MO7-{order.pk:06d}, Kowalska"
        )
    ]


@pytest.mark.parametrize(
    ("content", "spec", "message"),
    [
        (
            statement("2030-11-03;MO7-000001"),
            SPEC,
            "Row 2 has 2 columns, but column 3 was chosen: check the delimiter.",
        ),
        (
            statement("3 listopada;MO7-000001;120,00"),
            SPEC,
            "Row 2: “3 listopada” is not a date (expected e.g. 2023-11-20 or 20.11.2023).",
        ),
        (
            statement("2030-11-03;MO7-000001;120.00"),
            SPEC,
            "Row 2: “120.00” is not an amount: check the decimal comma setting.",
        ),
        (statement(), SPEC, "The file has no rows to import."),
        (
            "Data;Tytuł;Kwota".encode("cp1250"),
            SPEC,
            "The file is not in the utf-8 encoding: choose the other one.",
        ),
    ],
)
def test_malformed_statement_is_refused_with_a_clear_error(edition, content, spec, message):
    order = register(edition, paid()).catering_orders.get()

    with pytest.raises(StatementError) as error:
        bank_statements.statement_parse(content=content, spec=spec)

    assert error.value.message == message
    order.refresh_from_db()
    assert order.status == "awaiting_payment"


def test_cp1250_statement(edition):
    content = "Data;Tytuł;Kwota\n2030-11-03;Wpłata za żurek;120,00\n".encode("cp1250")

    lines = bank_statements.statement_parse(
        content=content, spec=StatementFormat(**{**SPEC.__dict__, "encoding": "cp1250"})
    )

    assert [line.title for line in lines] == ["Wpłata za żurek"]
