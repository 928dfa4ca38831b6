"""The pages an event funded from public money must have, filled from the edition's settings."""

import datetime as dt

import pytest
from django.urls import reverse

from program.models import AccessibilityCompliance

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(upcoming_edition):
    edition = upcoming_edition
    edition.controller_address = "ul. Przykładowa 1, 31-000 Kraków"
    edition.contact_email = "kontakt@example.org"
    edition.contact_phone = "+48 12 345 67 89"
    edition.dpo_email = "iod@example.org"
    edition.data_retention_pl = "Dane przechowujemy 5 lat od końca roku rozliczenia dotacji."
    edition.accessibility_compliance = AccessibilityCompliance.PARTIAL
    edition.accessibility_published_on = dt.date(2026, 9, 1)
    edition.accessibility_updated_on = dt.date(2026, 11, 2)
    edition.accessibility_statement_date = dt.date(2026, 11, 3)
    edition.accessibility_contact_name = "Anna Nowak"
    edition.accessibility_exceptions_pl = "E-bilet w PDF nie ma struktury znaczników."
    edition.accessibility_architecture_pl = "Wejście bez progów od ul. Zamkowej, winda do wszystkich sal."
    edition.save()
    return edition


def page(client, url_name: str, language: str = "pl") -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response.content.decode()


def test_accessibility_statement_has_every_part_the_act_requires(client, edition):
    text = page(client, "program:accessibility")

    assert "<h1>Deklaracja dostępności</h1>" in text
    assert (
        "Fundacja Biuro Inicjatyw Społecznych zobowiązuje się zapewnić dostępność swojej strony "
        "internetowej zgodnie z ustawą z dnia 4 kwietnia 2019 r." in text
    )
    assert "<dd>1 września 2026</dd>" in text  # published
    assert "<dd>2 listopada 2026</dd>" in text  # last major update
    headings = [
        "Status pod względem zgodności z ustawą",
        "Treści niedostępne",
        "Przygotowanie deklaracji dostępności",
        "Informacje zwrotne i dane kontaktowe",
        "Procedura wnioskowo-skargowa",
        "Dostępność architektoniczna",
    ]
    positions = [text.index(f"<h2>{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    assert "Strona internetowa jest częściowo zgodna z ustawą o dostępności cyfrowej" in text
    assert "<p>E-bilet w PDF nie ma struktury znaczników.</p>" in text
    assert "Deklarację sporządzono dnia 3 listopada 2026." in text
    assert "na podstawie samooceny" in text
    assert "Osoba kontaktowa: Anna Nowak" in text
    assert '<a href="mailto:kontakt@example.org">kontakt@example.org</a>' in text
    assert '<a href="tel:+48123456789">+48 12 345 67 89</a>' in text
    assert "nie później niż w ciągu 7 dni" in text
    assert "wniosek do Rzecznika Praw Obywatelskich" in text
    assert "Wejście bez progów od ul. Zamkowej, winda do wszystkich sal." in text


def test_accessibility_statement_in_english_falls_back_to_polish_organiser_texts(client, edition):
    text = page(client, "program:accessibility", "en")

    assert "<h1>Accessibility statement</h1>" in text
    assert "This website is partially compliant with the Act on digital accessibility" in text
    assert "Commissioner for Human Rights (Rzecznik Praw Obywatelskich)" in text
    assert "<p>E-bilet w PDF nie ma struktury znaczników.</p>" in text


def test_privacy_clause_names_controller_purposes_bases_and_rights(client, edition):
    text = page(client, "registration:privacy")

    assert "<strong>Fundacja Biuro Inicjatyw Społecznych</strong>, ul. Przykładowa 1, 31-000 Kraków." in text
    assert '<a href="mailto:iod@example.org">iod@example.org</a>' in text
    for basis in ("art. 6 ust. 1 lit. a RODO", "art. 6 ust. 1 lit. b RODO", "art. 6 ust. 1 lit. c RODO"):
        assert basis in text
    assert "art. 6 ust. 1 lit. f RODO" in text
    assert "<p>Dane przechowujemy 5 lat od końca roku rozliczenia dotacji.</p>" in text
    assert "<h2>Odbiorcy danych</h2>" in text
    assert "Prezesa Urzędu Ochrony Danych Osobowych (ul. Stawki 2, 00-193 Warszawa)" in text
    assert "wycofania zgody w dowolnym momencie" in text


def test_privacy_clause_without_a_dpo_says_where_to_write(client, edition):
    edition.dpo_email = ""
    edition.save()

    text = page(client, "registration:privacy")

    assert "Administrator nie wyznaczył inspektora ochrony danych" in text


def test_contact_page_lists_the_edition_contacts(client, edition):
    text = page(client, "program:contact")

    assert "<h1>Kontakt</h1>" in text
    assert '<dd><a href="mailto:kontakt@example.org">kontakt@example.org</a></dd>' in text
    assert '<dd><a href="tel:+48123456789">+48 12 345 67 89</a></dd>' in text
    assert "<dd>Anna Nowak</dd>" in text


@pytest.mark.parametrize("url_name", ["program:home", "program:program", "registration:register"])
def test_footer_links_the_three_pages(client, edition, url_name):
    text = page(client, url_name)

    privacy = reverse("registration:privacy")
    assert f'<a href="{privacy}">Informacja o przetwarzaniu danych osobowych</a>' in text
    assert f'<a href="{reverse("program:accessibility")}">Deklaracja dostępności</a>' in text
    assert f'<a href="{reverse("program:contact")}">Kontakt</a>' in text
