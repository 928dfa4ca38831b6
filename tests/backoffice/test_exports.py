import csv
import io

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from backoffice import exports
from registration import checkin
from registration.models import Answer, Booking, DayAttendance, Question, QuestionChoice, Registration
from tests.factories import question, sign_up

from .conftest import POLISH


def csv_rows(response) -> list[list[str]]:
    return csv_parse(b"".join(response.streaming_content))


def csv_parse(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM, for Excel
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_sheets(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def people(edition, visit, first_day, second_day):
    polish = sign_up(
        edition,
        [visit],
        days=[first_day, second_day],
        first_name="Źdźbło",
        last_name=POLISH,
        organisation_name="Fundacja Gęślą Jaźń",
        town="Nowy Sącz",
    )
    hostile = sign_up(
        edition,
        first_name='=HYPERLINK("http://evil")',
        last_name="+48 600",
        organisation_name="@SUM(A1)",
        role="-1+2",
        note="\tsecret",
        voivodeship="masovia",
        town="Warszawa",
        organisation_type="local_government",
    )
    return polish, hostile


EXPORT = "admin:registration_registration_export"


@pytest.mark.django_db
class TestAttendeeList:
    def test_csv(self, organiser_client, people, visit, first_day):
        polish, _hostile = people
        checkin.attendance_check_in(registration=polish, day=first_day)
        rows = csv_rows(organiser_client.get(reverse(EXPORT, args=["csv"]), {"status__exact": "active"}))
        header, first, second = rows
        assert header[:6] == ["Last name", "First name", "E-mail", "Phone", "Ticket code", "Status"]
        assert first[:2] == ["'+48 600", '\'=HYPERLINK("http://evil")']
        assert first[header.index("Organisation")] == "'@SUM(A1)"
        assert first[header.index("Role")] == "'-1+2"
        assert first[header.index("Note")] == "'\tsecret"
        assert second[:2] == [POLISH, "Źdźbło"]
        assert second[header.index("Organisation")] == "Fundacja Gęślą Jaźń"
        assert second[header.index(visit.title)] == "seat"
        assert (
            second[header.index(f"{first_day.date:%d.%m} {first_day.title}")].count(":") == 1
        )  # check-in time

    def test_xlsx_follows_the_admin_filters(self, organiser_client, people):
        response = organiser_client.get(
            reverse(EXPORT, args=["xlsx"]), {"voivodeship__exact": "lesser_poland"}
        )
        [(title, rows)] = xlsx_sheets(response).items()
        assert title == "Attendees"
        assert [row[:2] for row in rows[1:]] == [(POLISH, "Źdźbło")]

    def test_xlsx_neutralises_formulas(self, organiser_client, people):
        rows = xlsx_sheets(organiser_client.get(reverse(EXPORT, args=["xlsx"]), {"q": "evil"}))["Attendees"]
        assert rows[1][:2] == ("'+48 600", '\'=HYPERLINK("http://evil")')

    def test_a_column_per_question_in_order_with_the_answers(self, organiser_client, people, edition, visit):
        polish, hostile = people
        size = question(
            edition, "multiple_choice", [("S", "small"), ("M", "medium")], text_en="Sizes?", order=2
        )
        note = question(edition, "short_text", text_en="Anything else?", order=1)
        turned_off = question(edition, "yes_no", item=visit, text_en="Vegan?", order=3, is_active=False)
        small, medium = size.choices.all()
        Answer.objects.create(registration=polish, question=size, value=[small.pk, medium.pk])
        Answer.objects.create(registration=polish, question=turned_off, value=True)
        Answer.objects.create(registration=hostile, question=note, value="=1+1")
        header, first, second = csv_rows(organiser_client.get(reverse(EXPORT, args=["csv"])))
        at = header.index("Anything else?")
        assert header[at : at + 3] == ["Anything else?", "Sizes?", "Vegan?"]
        assert first[at : at + 3] == ["'=1+1", "", ""]  # the hostile one, defused
        assert second[at : at + 3] == ["", "small; medium", "yes"]

    @pytest.mark.slow
    def test_5000_people_in_a_fixed_number_of_queries(self, edition, visit, django_assert_max_num_queries):
        registrations = Registration.objects.bulk_create(
            Registration(
                edition=edition,
                first_name=f"Osoba{n}",
                last_name="Łąka",
                email=f"p{n}@example.com",
                town="Kraków",
                voivodeship="lesser_poland",
            )
            for n in range(5000)
        )
        assert len(registrations) == 5000
        question = Question.objects.create(edition=edition, kind="single_choice", text="Koszulka?")
        sizes = QuestionChoice.objects.bulk_create(
            QuestionChoice(question=question, label=label) for label in ("S", "M")
        )
        Answer.objects.bulk_create(
            Answer(registration=r, question=question, value=sizes[r.pk % 2].pk) for r in registrations
        )
        # The columns' days, items, questions and their choices, one query per kind of related
        # row, the list itself, the savepoint of the one snapshot they are read from: never per
        # person or per chunk (the time is measured by `make bench`, docs/performance.md).
        with django_assert_max_num_queries(11):
            sheet = exports.attendee_list(edition=edition, queryset=Registration.objects.all())
            content = exports.xlsx_file([sheet])
        rows = list(load_workbook(content, read_only=True).active.iter_rows(values_only=True))
        assert len(rows) == 5001
        assert {row[rows[0].index("Koszulka?")] for row in rows[1:]} == {"S", "M"}


def crowd(edition, count: int, items, day, *, start: int = 0) -> list[Registration]:
    """`count` people written in the reverse of their names' order (the list's), every other one
    for the `day`, each with a seat on one of the `items` in turn."""
    people = Registration.objects.bulk_create(
        Registration(
            edition=edition,
            first_name="Osoba",
            last_name=f"Nazwisko {count - n:03}",
            email=f"p{start + n}@example.com",
            town="Kraków",
            voivodeship="lesser_poland",
        )
        for n in range(count)
    )
    DayAttendance.objects.bulk_create(DayAttendance(registration=r, day=day) for r in people[::2])
    Booking.objects.bulk_create(
        Booking(registration=r, item=items[n % len(items)], status="confirmed") for n, r in enumerate(people)
    )
    return people


def export_queries(client, file_format: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(EXPORT, args=[file_format]))
        assert response.status_code == 200
        response.getvalue()  # the rows are read as the response streams
    return len(queries)


@pytest.mark.django_db
class TestLongLists:
    """50,000 people go through in constant memory: both formats stream (the CSV chunk by chunk,
    the XLSX from a temporary file), and every related row is read alongside its person by one
    query per kind, whatever the number of people (the seconds and the memory are measured by
    `make bench-large`, docs/performance.md)."""

    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_the_queries_do_not_grow_with_the_people(
        self, organiser_client, edition, visit, evening, first_day, file_format, monkeypatch
    ):
        monkeypatch.setattr(exports, "CHUNK_SIZE", 4)
        crowd(edition, 5, [visit, evening], first_day)
        export_queries(organiser_client, file_format)  # the session's and the caches' first reads
        few = export_queries(organiser_client, file_format)
        crowd(edition, 45, [visit, evening], first_day, start=5)
        assert export_queries(organiser_client, file_format) == few

    def test_each_person_gets_their_own_days_and_places_across_chunks(
        self, organiser_client, edition, visit, evening, first_day, monkeypatch
    ):
        monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
        people = crowd(edition, 10, [visit, evening], first_day)
        header, *rows = csv_rows(organiser_client.get(reverse(EXPORT, args=["csv"])))
        day = header.index(f"{first_day.date:%d.%m} {first_day.title}")
        written = {
            row[header.index("E-mail")]: (
                row[day],
                row[header.index(visit.title)],
                row[header.index(evening.title)],
            )
            for row in rows
        }
        assert [row[0] for row in rows] == sorted(row[0] for row in rows)  # by name, not as written
        assert written == {
            r.email: ("yes" if n % 2 == 0 else "", "seat" if n % 2 == 0 else "", "" if n % 2 == 0 else "seat")
            for n, r in enumerate(people)
        }

    def test_the_csv_streams_in_chunks_of_rows_with_the_same_content(
        self, organiser_client, edition, visit, evening, first_day, monkeypatch
    ):
        crowd(edition, 5, [visit, evening], first_day)
        whole = organiser_client.get(reverse(EXPORT, args=["csv"])).getvalue()
        monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
        response = organiser_client.get(reverse(EXPORT, args=["csv"]))
        assert isinstance(response, StreamingHttpResponse)
        chunks = list(response.streaming_content)
        assert [chunk.count(b"\r\n") for chunk in chunks] == [2, 2, 2]  # the headers, then 5 people
        assert b"".join(chunks) == whole

    def test_the_xlsx_is_sent_from_a_file(self, organiser_client, edition, visit, evening, first_day):
        crowd(edition, 5, [visit, evening], first_day)
        response = organiser_client.get(reverse(EXPORT, args=["xlsx"]))
        assert isinstance(response, FileResponse)
        assert response["Content-Disposition"].startswith("attachment;")
        [(_title, rows)] = xlsx_sheets(response).items()
        assert len(rows) == 6


@pytest.mark.parametrize(
    ("value", "written"),
    [("Kowalski", "Kowalski"), ("a@b.pl", "a@b.pl"), ("-1,5", "-1,5"), ("-", "'-"), ("=1|2", "'=1\\|2")],
)
def test_a_value_is_defused_as_defusedcsv_writes_it(value, written):
    assert exports._defuse(value) == written


@pytest.mark.django_db
class TestItemList:
    def test_seats_then_waiting_list_in_order(self, organiser_client, edition, visit):
        visit.capacity = 2
        visit.save()
        for name in ("Zawada", "Adamska", "Wróbel", "Bąk"):
            sign_up(edition, [visit], last_name=name)
        rows = csv_rows(organiser_client.get(reverse("staff:item_export", args=[visit.pk, "csv"])))
        assert [row[:3] for row in rows[1:]] == [
            ["1", "seat", "Adamska"],
            ["2", "seat", "Zawada"],
            ["1", "waiting, 1", "Wróbel"],
            ["2", "waiting, 2", "Bąk"],
        ]


@pytest.mark.django_db
class TestFunderReport:
    def test_counts_from_malopolska(self, organiser_client, people, first_day, second_day):
        polish, _hostile = people
        sign_up(edition=polish.edition, town="Kraków", organisation_type="ngo")
        checkin.attendance_check_in(registration=polish, day=second_day)
        sheets = xlsx_sheets(organiser_client.get(reverse("staff:funder_report")))
        assert sheets["Totals"] == [
            ("Figure", "Participants"),
            ("Participants", 3),
            ("from Lesser Poland", 2),
        ]
        assert sheets["Organisation types"][1:] == [
            ("NGO (foundation, association)", 2, 2),
            ("Local government", 1, 0),
        ]
        assert sheets["Towns"][1:] == [("Kraków", 1), ("Nowy Sącz", 1)]
        assert sheets["Days"][1:] == [(str(first_day), 3, 2, 0), (str(second_day), 1, 1, 1)]


@pytest.mark.django_db
class TestPrintouts:
    def test_sign_in_sheet_for_a_day(self, staff_client, people, edition, first_day):
        text = pdf_text(staff_client.get(reverse("staff:sign_in_day", args=[first_day.pk])))
        assert f"{POLISH} Źdźbło" in text
        assert "Fundacja Gęślą Jaźń" in text
        assert "Signature" in text
        assert f"7. MIEJSCA OTWARTE {edition.starts_on.year} — Kraków" in text
        assert "receives financial support from Województwo Małopolskie" in " ".join(text.split())
        assert "page 1 of 1" in text

    def test_sign_in_sheet_pages_are_numbered(self, staff_client, edition, first_day):
        for n in range(40):
            sign_up(edition, last_name=f"Osoba {n:02d}")
        reader = PdfReader(
            io.BytesIO(staff_client.get(reverse("staff:sign_in_day", args=[first_day.pk])).content)
        )
        assert len(reader.pages) == 2
        assert "page 2 of 2" in reader.pages[1].extract_text()
        assert "Osoba 39" in reader.pages[1].extract_text()

    def test_sign_in_sheet_for_an_item(self, staff_client, people, visit):
        text = pdf_text(staff_client.get(reverse("staff:sign_in_item", args=[visit.pk])))
        assert f"{POLISH} Źdźbło" in text
        assert "+48 600" not in text  # not on this item

    def test_badges(self, staff_client, people, edition):
        for n in range(9):
            sign_up(edition, last_name=f"Osoba {n}")
        response = staff_client.get(reverse("staff:badges"))
        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 2  # 11 people, 10 per page
        text = pdf_text(response)
        assert POLISH in text
        assert "Fundacja Gęślą Jaźń" in text
        polish, _hostile = people
        # Under the QR code, broken after a hyphen to stay as narrow as the code.
        assert "-".join(polish.ticket_code[i : i + 4] for i in range(0, 26, 4)) in "".join(text.split())
