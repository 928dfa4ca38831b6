import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from backoffice.editions import edition_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def edition(live_server, edition_2023_data):
    """The program as `make run` loads it; the live server's database is transactional."""
    return edition_load(data=edition_2023_data, upcoming=True, now=timezone.now()).edition


def test_a_visitor_finds_a_study_visit_from_the_home_page(page: Page, live_server, edition):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("MIEJSCA OTWARTE")

    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Program").click()
    expect(page).to_have_url(re.compile(r"/program/$"))
    expect(page.locator(".program-item")).to_have_count(24)

    page.get_by_role("link", name="Wizyta studyjna: Świetlica Dębniki").click()

    expect(page).to_have_url(re.compile(r"/program/wizyta-swietlica-debniki/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Wizyta studyjna: Świetlica Dębniki")
    details = page.locator("article dl")
    expect(details).to_contain_text("Gospodarz")
    expect(details).to_contain_text("Fundacja Kocham Dębniki")
    expect(details).to_contain_text(
        f"{edition.starts_on.day} listopada {edition.starts_on.year}, 14:00–17:00"
    )
    expect(details).to_contain_text("Obowiązują zapisy, liczba miejsc ograniczona do 20 osób.")
    expect(page.locator(".seats-left")).to_have_text("Zostało 20 wolnych miejsc.")


def test_the_language_switcher_shows_the_page_in_english(page: Page, live_server, edition):
    page.goto(f"{live_server.url}/program/")

    page.get_by_role("link", name="Read in English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Program")
    expect(page.get_by_role("link", name="Czytaj po polsku")).to_be_visible()
    expect(page.locator(".program-item").first).to_contain_text("seats left of")
