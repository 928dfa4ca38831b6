"""The CSV and XLSX exports as a Polish office opens them in Excel (issue #14): nothing a person
typed becomes a formula, however the file is split into cells, and phones and NIPs stay text."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from catering import services as catering
from catering.services import CateringRequest, InvoiceData

from .test_catering_admin import PAID_ON, order_catering
from .test_exports import EXPORT, csv_parse, csv_rows

# Every way a cell can start a formula (=, +, -, @, |, %, tab, CR), at the start of the value and
# after a separator Excel or a naive reader may split on.
HOSTILE = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "|calc'!A0",
    "%APPDATA%",
    "\t=1+1",
    "\r=1+1",
    "Nowak;=1+1;",
    "Nowak,=1+1,",
    "=cmd|' /C calc'!A0",
    "Kowalska; +48 600",
    "a,\t-1",
    "line\n@A1",
    "line\r\n|x",
    ' "=1+1',
    'x,"=1+1"',
    "-",
]
FORMULA_STARTS = ("=", "+", "-", "@", "|", "%", "\t", "\r")


@pytest.fixture
def hostile_people(edition, second_day, visit):
    """One person per hostile value, with it in every text field a person controls: names,
    organisation, role, town, accessibility, note, diet note, the invoice's name and address.
    Their meals are paid, so they are on the caterer's and the accountant's lists too."""
    people = []
    for number, value in enumerate(HOSTILE):
        registration = order_catering(
            edition,
            second_day,
            CateringRequest(
                diet="other",
                diet_note=value,
                invoice=InvoiceData(name=value, address=value, nip="1234563218"),
            ),
            first_name=value,
            last_name=value,
            email=f"hostile{number}@example.com",
            organisation_name=value,
            role=value,
            town=value,
            accessibility_other=value,
            note=value,
            phone="+48 600 100 200",
        )
        registration.bookings.create(item=visit, status="confirmed")
        catering.catering_orders_mark_paid(orders=registration.catering_orders.all(), paid_on=PAID_ON)
        people.append(registration)
    return people


def naive_cells(content: bytes) -> list[str]:
    """The cells of every line split on both "," and ";", the way Polish Excel (";") or another
    reader (",") that ignores the quoting would cut them."""
    text = content.decode("utf-8-sig")
    return [
        cell.strip().strip('"').strip()
        for line in re.split(r"\r\n|\r|\n", text)
        for cell in re.split(r"[,;]", line)
    ]


CSV_EXPORTS = [
    ("organiser_client", EXPORT, ["csv"]),
    ("organiser_client", "staff:catering_export", ["csv"]),
    ("organiser_client", "staff:invoice_export", ["csv"]),
]


@pytest.mark.django_db
class TestCsvForPolishExcel:
    @pytest.mark.parametrize(("client_name", "url_name", "args"), CSV_EXPORTS)
    def test_no_cell_starts_a_formula_however_it_is_split(
        self, request, hostile_people, client_name, url_name, args
    ):
        response = request.getfixturevalue(client_name).get(reverse(url_name, args=args))
        content = b"".join(response.streaming_content)
        cells = naive_cells(content)
        assert len(cells) > 4 * len(HOSTILE)
        assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []

    def test_item_list_no_cell_starts_a_formula(self, organiser_client, hostile_people, visit):
        response = organiser_client.get(reverse("staff:item_export", args=[visit.pk, "csv"]))
        cells = naive_cells(b"".join(response.streaming_content))
        assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []

    def test_semicolons_bom_and_every_text_field_quoted(self, organiser_client, hostile_people):
        response = organiser_client.get(reverse(EXPORT, args=["csv"]))
        content = b"".join(response.streaming_content)
        assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Excel reads the Polish letters
        header = content.decode("utf-8-sig").split("\r\n", 1)[0]
        assert header.startswith('"Last name";"First name";"E-mail";"Phone";')
        rows = csv_parse(content)
        nowak = next(row for row in rows if row[1].startswith("Nowak;"))
        assert nowak[:2] == ["Nowak;'=1+1;", "Nowak;'=1+1;"]  # one cell each, read with ";"
        assert '"Nowak;\'=1+1;";"Nowak;\'=1+1;"' in content.decode("utf-8-sig")

    def test_the_values_stay_readable(self, organiser_client, hostile_people):
        rows = csv_rows(organiser_client.get(reverse(EXPORT, args=["csv"])))
        header = rows[0]
        town = header.index("Town")
        towns = {row[town] for row in rows[1:]}
        assert {"'=1+1", "'+1+1", "'-1+1", "'@SUM(A1)", "'\\|calc'!A0", "'%APPDATA%"} <= towns
        assert {"'\t'=1+1", "Nowak,'=1+1,", "Kowalska; '+48 600", "line\n'@A1"} <= towns


@pytest.mark.django_db
class TestXlsxTextNumbers:
    def test_phone_and_nip_are_text_cells_without_an_apostrophe(self, organiser_client, hostile_people):
        attendees = load_workbook(
            io.BytesIO(organiser_client.get(reverse(EXPORT, args=["xlsx"])).getvalue())
        ).active
        header = [cell.value for cell in attendees[1]]
        phone = attendees.cell(row=2, column=header.index("Phone") + 1)
        assert (phone.value, phone.data_type, phone.number_format) == ("+48 600 100 200", "s", "@")

        invoices = load_workbook(
            io.BytesIO(organiser_client.get(reverse("staff:invoice_export", args=["xlsx"])).getvalue())
        ).active
        header = [cell.value for cell in invoices[1]]
        nip = invoices.cell(row=2, column=header.index("Buyer's NIP") + 1)
        assert (nip.value, nip.data_type, nip.number_format) == ("1234563218", "s", "@")

    def test_a_phone_that_looks_like_a_formula_is_still_only_text(self, organiser_client, hostile_people):
        registration = hostile_people[0]
        registration.phone = "=1+1"  # the admin's form does not check the phone
        registration.save(update_fields=["phone"])
        sheet = load_workbook(
            io.BytesIO(organiser_client.get(reverse(EXPORT, args=["xlsx"]), {"q": "hostile0"}).getvalue())
        ).active
        header = [cell.value for cell in sheet[1]]
        phone = sheet.cell(row=2, column=header.index("Phone") + 1)
        assert (phone.value, phone.data_type, phone.number_format) == ("=1+1", "s", "@")

    def test_no_formula_cells(self, organiser_client, hostile_people):
        for client, url in [
            (organiser_client, reverse(EXPORT, args=["xlsx"])),
            (organiser_client, reverse("staff:catering_export", args=["xlsx"])),
            (organiser_client, reverse("staff:invoice_export", args=["xlsx"])),
        ]:
            workbook = load_workbook(io.BytesIO(client.get(url).getvalue()))
            types = {cell.data_type for sheet in workbook for row in sheet.iter_rows() for cell in row}
            assert "f" not in types
