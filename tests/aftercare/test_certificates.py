import datetime as dt
import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from aftercare.certificates import certificate_pdf, certificates_pdf
from program.models import ProgramItem
from tests.factories import attended

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2023, 12, 4)


def pages(pdf: bytes) -> list[str]:
    """Each page's text with its lines joined: wrapped paragraphs read as written."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_polish_certificate_names_the_person_the_edition_the_days_and_items(
    past, visit_2023, evening_2023, days_2023
):
    person = attended(
        past, [visit_2023, evening_2023], first_name="Źdźisława", last_name="Ćwiękała-Łężna", language="pl"
    )
    [text] = pages(certificate_pdf(person, issued_on=ISSUED))
    assert "Zaświadczenie o uczestnictwie" in text
    assert "Źdźisława Ćwiękała-Łężna" in text
    assert (
        "uczestniczył(a) w 7. Ogólnopolskiej Konferencji MIEJSCA OTWARTE (Kraków, 29–30 listopada 2023)"
        in text
    )
    assert f"„{past.subtitle_pl}”" in text
    assert "Środa, 29 listopada 2023 — Wydarzenia towarzyszące" in text
    assert "Czwartek, 30 listopada 2023 — Konferencja" in text
    assert f"29 listopada, 14:00–17:00 — {visit_2023.title_pl}" in text
    # the longest title of the edition, wrapped over lines, every word printed
    assert evening_2023.title_pl in text
    assert (
        "Organizatorzy: Fundacja Biuro Inicjatyw Społecznych, Miasto Stołeczne Warszawa, Urząd Kraków" in text
    )
    assert "Projekt realizowany przy wsparciu finansowym Województwa Małopolskiego." in text
    assert "Kraków, 4 grudnia 2023" in text
    assert person.email not in text


def test_english_certificate(past, visit_2023, days_2023):
    person = attended(past, [visit_2023], checked_in=[days_2023[0]], first_name="Anna", language="en")
    [text] = pages(certificate_pdf(person, issued_on=ISSUED))
    assert "Certificate of attendance" in text
    assert "took part in the 7. National Conference MIEJSCA OTWARTE (Kraków, 29–30 November 2023)" in text
    assert "Wednesday, 29 November 2023 — Side events" in text
    assert "Conference" not in text.split("Days attended")[1].split("Program items attended")[0]
    assert f"29 November, 14:00–17:00 — {visit_2023.title_en}" in text
    assert "The project receives financial support from Województwo Małopolskie." in text


def test_both_languages_a_page_each_whatever_language_is_active(past):
    person = attended(past, language="en")
    with translation.override("en"):
        polish, english = pages(certificate_pdf(person, languages=["pl", "en"]))
    assert "Zaświadczenie o uczestnictwie" in polish
    assert "Certificate of attendance" in english


def test_many_long_items_still_fit_one_page(past, days_2023):
    first = past.items.order_by("starts_at").first()
    items = [
        ProgramItem.objects.create(
            edition=past,
            slug=f"long-{n}",
            kind=ProgramItem.Kind.WORKSHOP,
            title=f"Warsztat numer {n}: " + "bardzo długi tytuł o przestrzeniach sąsiedzkich " * 5,
            starts_at=first.starts_at + dt.timedelta(hours=n, minutes=30),
            ends_at=first.starts_at + dt.timedelta(hours=n, minutes=50),
            capacity=5,
        )
        for n in range(8)
    ]
    person = attended(past, items)
    [text] = pages(certificate_pdf(person))
    assert all(f"Warsztat numer {n}:" in text for n in range(8))


def test_one_file_for_printing_a_page_per_person_checked_in_in_their_language(past, days_2023):
    attended(past, first_name="Zofia", last_name="Babiarz", language="pl")
    attended(past, first_name="John", last_name="Abbott", language="en")
    attended(past, first_name="Nie", last_name="Przyszła", checked_in=[])
    first, second = pages(certificates_pdf(past))
    assert "John Abbott" in first and "Certificate of attendance" in first
    assert "Zofia Babiarz" in second and "Zaświadczenie o uczestnictwie" in second


def test_printing_reads_a_fixed_number_of_rows(past, days_2023, django_assert_max_num_queries):
    for _ in range(6):
        attended(past)
    # the organisers, the funders per language, the people with their days and bookings
    with django_assert_max_num_queries(6):
        assert len(pages(certificates_pdf(past))) == 6
