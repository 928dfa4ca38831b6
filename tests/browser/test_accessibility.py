"""WCAG 2.1 AA in a real browser: axe-core on every public page and every step of registration,
the sign-up with the keyboard alone, and reflow at 320 CSS pixels (= 1280 px at 400 % zoom)."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from backoffice.editions import edition_load
from program.models import ProgramItem
from registration import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The site forbids inline scripts (CSP); axe is the test's own tool, injected from outside.
    pytest.mark.browser_context_args(bypass_csp=True),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def edition(live_server, edition_2023_data):
    edition = edition_load(data=edition_2023_data, upcoming=True, now=timezone.now()).edition
    edition.contact_email = "kontakt@example.org"
    edition.contact_phone = "+48 12 345 67 89"
    edition.controller_address = "ul. Przykładowa 1, 31-000 Kraków"
    edition.dpo_email = "iod@example.org"
    edition.accessibility_contact_name = "Anna Nowak"
    edition.save()
    return edition


@pytest.fixture
def registration(edition):
    visit = ProgramItem.objects.get(edition=edition, slug="wizyta-kozlowka")
    return services.registration_create(
        edition=edition,
        person=services.Person(
            first_name="Zofia",
            last_name="Żółkiewska",
            email="zofia@example.com",
            town="Kraków",
            voivodeship="lesser_poland",
        ),
        days=[edition.days.first()],
        items=[visit],
        consents={"terms": True, "privacy": True, "image": False, "newsletter": False},
    )


def axe_violations(page: Page) -> list[tuple[str, list[str]]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA)
    return [
        (violation["id"], [" ".join(node["target"]) for node in violation["nodes"]])
        for violation in result["violations"]
    ]


PUBLIC_PAGES = [
    "program:home",
    "program:program",
    "program:accessibility",
    "program:contact",
    "registration:register",
    "registration:resend_link",
    "registration:privacy",
]


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_page_has_no_wcag_violations(page: Page, live_server, edition, url_name, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(live_server.url + reverse(url_name))
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert axe_violations(page) == []


def test_program_item_page_has_no_wcag_violations(page: Page, live_server, edition):
    page.goto(live_server.url + reverse("program:item", kwargs={"slug": "wizyta-swietlica-debniki"}))
    assert axe_violations(page) == []


def test_registration_form_with_errors_has_no_wcag_violations(page: Page, live_server, edition):
    page.goto(live_server.url + reverse("registration:register"))
    page.get_by_role("button", name="Zarejestruj się").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    assert [link.get_attribute("href") for link in links.all()] == [
        "#id_first_name",
        "#id_last_name",
        "#id_email",
        "#id_town",
        "#id_voivodeship",
        "#id_days_0",  # a group of checkboxes: its first box
        "#id_accept_terms",
    ]
    # Every link leads to an element on the page, and following it moves the focus there.
    assert page.evaluate(
        "[...document.querySelectorAll('#error-summary a')]"
        ".every(a => document.getElementById(a.hash.slice(1)) !== null)"
    )
    links.first.press("Enter")
    expect(page.locator("#id_first_name")).to_be_focused()
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email")).to_have_attribute("aria-describedby", "id_email_error")
    expect(page.locator("#id_email_error")).to_have_text("To pole jest wymagane.")
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize(
    "url_name",
    [
        "registration:thanks",
        "registration:manage",
        "registration:ticket",
        "registration:cancel",
        "registration:delete",
        "registration:manage_items",
        "registration:manage_details",
        "registration:manage_catering",
    ],
)
def test_registration_pages_have_no_wcag_violations(
    page: Page, live_server, registration, url_name, language
):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    kwargs = {"public_id": registration.public_id, "token": registration.manage_token}
    page.goto(live_server.url + reverse(url_name, kwargs=kwargs))
    assert axe_violations(page) == []


def test_management_page_with_errors_has_no_wcag_violations(page: Page, live_server, registration):
    kwargs = {"public_id": registration.public_id, "token": registration.manage_token}
    page.goto(live_server.url + reverse("registration:manage_details", kwargs=kwargs))
    page.locator("#id_person-email").fill("not an address")
    page.get_by_role("button", name="Zapisz moje dane").click()

    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#id_person-email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_person-email")).to_have_attribute("aria-describedby", "id_person-email_error")
    expect(page.locator("#id_person-email_error")).to_have_text("Wpisz poprawny adres e-mail.")
    assert axe_violations(page) == []


def test_sign_up_with_the_keyboard_alone(page: Page, live_server, edition):
    """Tab, Space, Enter and typing only: no click, no fill, no programmatic focus."""
    typed = {
        "id_first_name": "Jan",
        "id_last_name": "Klawiaturowy",
        "id_email": "jan@example.com",
        "id_town": "Kraków",
    }
    page.goto(live_server.url + reverse("registration:register"))
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Przejdź do treści")).to_be_focused()
    expect(page.get_by_role("link", name="Przejdź do treści")).to_be_visible()

    visited, invisible = [], []
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
            " type: document.activeElement.type, text: document.activeElement.textContent.trim(),"
            " outline: getComputedStyle(document.activeElement).outlineStyle})"
        )
        visited.append(focused["id"] or focused["text"][:30])
        if focused["outline"] != "solid":
            invisible.append(visited[-1])
        if focused["id"] in typed:
            page.keyboard.type(typed[focused["id"]])
        elif focused["id"] == "id_voivodeship":
            page.keyboard.type("małopolskie")
        elif focused["id"] in ("id_days_0", "id_accept_terms"):
            page.keyboard.press("Space")
        elif focused["type"] == "submit" and focused["text"] == "Zarejestruj się":
            page.keyboard.press("Enter")
            break
    else:
        pytest.fail(f"the submit button was never reached: {visited}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Dziękujemy za rejestrację")
    assert invisible == []  # every stop shows where the focus is
    assert "id_website" not in visited  # the honeypot is out of the tab order


@pytest.mark.parametrize(
    "url_name", ["program:home", "program:program", "registration:register", "program:accessibility"]
)
def test_no_horizontal_scroll_at_320_css_pixels(page: Page, live_server, edition, url_name):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + reverse(url_name))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
