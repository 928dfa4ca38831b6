"""The management page as a person walks it on a phone (390 px), in Polish and in English: the
summary, then each change as a step of its own, back to the summary after each; axe-core on every
state, an error summary included. Screenshots at 390 and 1280 px go to $MANAGE_SCREENS if set."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from program.models import ProgramItem
from registration.models import Registration
from tests.browser.test_accessibility import axe_violations
from tests.factories import sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(bypass_csp=True),  # axe is injected from outside
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

TEXTS = {
    "pl": {
        "items": "Zmień moje dni i punkty programu",
        "save_items": "Zapisz mój program",
        "back": "Wróć do swojej rejestracji",
        "details": "Zmień moje dane",
        "save_details": "Zapisz moje dane",
        "details_saved": "Twoje dane zostały zapisane.",
        "invalid_email": "Wpisz poprawny adres e-mail.",
        "catering": "Zamów catering",
        "order": re.compile(r"Zamów catering \("),
        "ordered": "Catering został zamówiony",
        "data": "Pobierz kopię swoich danych",
        "leave": "Zrezygnuj z listy rezerwowej",
    },
    "en": {
        "items": "Change my days and program items",
        "save_items": "Save my program",
        "back": "Back to your registration",
        "details": "Change my details",
        "save_details": "Save my details",
        "details_saved": "Your details have been saved.",
        "invalid_email": "Enter a valid e-mail address.",
        "catering": "Order the catering",
        "order": re.compile(r"Order the catering \("),
        "ordered": "The catering is ordered",
        "data": "Download a copy of your data",
        "leave": "Leave the waiting list",
    },
}


def look(page: Page, name: str) -> None:
    """No WCAG violation in this state; a screenshot of it at both widths when asked for."""
    assert axe_violations(page) == []
    folder = os.environ.get("MANAGE_SCREENS")
    if folder:
        for label, size in (("390", PHONE), ("1280", DESKTOP)):
            page.set_viewport_size(size)
            page.screenshot(path=str(Path(folder) / f"{name}-{label}.png"), full_page=True)
        page.set_viewport_size(PHONE)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_summary_and_each_step_at_390_px(page: Page, live_server, upcoming_edition, language):
    texts = TEXTS[language]
    edition = upcoming_edition
    workshop = (
        ProgramItem.objects.filter(edition=edition, capacity__isnull=False).order_by("starts_at").first()
    )
    workshop.capacity = 1
    workshop.save()
    sign_up(edition, [workshop], days=list(edition.days.all()))
    person = sign_up(edition, [workshop], days=list(edition.days.all()), first_name="Zofia")
    Registration.objects.filter(pk=person.pk).update(language=language)

    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + person.get_manage_url())
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("main form input:not([type=hidden]), main select, main textarea")).to_have_count(0)
    expect(page.get_by_role("button", name=texts["leave"])).to_be_visible()
    expect(page.get_by_role("link", name=texts["data"])).to_be_visible()
    look(page, f"{language}-summary")

    # Change my items, then back without saving.
    page.get_by_role("link", name=texts["items"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["items"])
    expect(page.get_by_role("button", name=texts["save_items"])).to_have_count(1)
    look(page, f"{language}-items")
    page.get_by_role("link", name=texts["back"]).first.click()
    expect(page).to_have_url(live_server.url + person.get_manage_url())

    # Change my details: a mistake first, the error summary takes the focus; then saved.
    page.get_by_role("link", name=texts["details"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["details"])
    look(page, f"{language}-details")
    page.locator("#id_person-email").fill("not an address")
    page.get_by_role("button", name=texts["save_details"]).click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#id_person-email_error")).to_have_text(texts["invalid_email"])
    look(page, f"{language}-details-errors")
    page.locator("#id_person-email").fill("zofia.nowa@example.com")
    page.locator("#id_person-first_name").fill("Zofia Maria")
    page.get_by_role("button", name=texts["save_details"]).click()
    expect(page).to_have_url(live_server.url + person.get_manage_url())
    expect(page.get_by_text(texts["details_saved"])).to_be_visible()
    person.refresh_from_db()
    assert (person.first_name, person.email) == ("Zofia Maria", "zofia.nowa@example.com")

    # The catering: a wrong NIP first, then ordered; the transfer details on the summary.
    page.get_by_role("link", name=texts["catering"], exact=True).click()
    look(page, f"{language}-catering")
    page.locator("#id_catering-invoice_nip").fill("123")
    page.get_by_role("button", name=texts["order"]).click()
    expect(page.locator("#error-summary")).to_be_focused()
    look(page, f"{language}-catering-errors")
    page.locator("#id_catering-invoice_nip").fill("")
    page.get_by_role("button", name=texts["order"]).click()
    expect(page).to_have_url(live_server.url + person.get_manage_url())
    expect(page.get_by_text(texts["ordered"])).to_be_visible()
    expect(page.get_by_test_id("transfer-details")).to_be_visible()
    assert person.catering_orders.get().status == "awaiting_payment"
    look(page, f"{language}-summary-after")
