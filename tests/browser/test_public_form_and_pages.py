"""The public form and pages as a person on a phone (390 px) meets them, in both languages: the
catering's questions showing only when they apply, the error summary among them, what a full item
says, the venue with its map link, the calendar link, the favicon; axe-core on every state."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from program.models import ProgramItem
from registration.models import Registration
from tests.browser.test_accessibility import axe_violations
from tests.factories import forget_cached, sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # axe is the test's own script, injected from outside the site's CSP.
    pytest.mark.browser_context_args(bypass_csp=True),
]

PHONE = {"width": 390, "height": 844}
OSM = "https://www.openstreetmap.org/search?query="
TEXTS = {
    "pl": {
        "register": "Zarejestruj się",
        "full": "Brak wolnych miejsc — zapisz się na listę rezerwową (czekają 2 osoby)",
    },
    "en": {"register": "Register", "full": "No seats left — join the waiting list (2 people waiting)"},
}


@pytest.fixture
def edition(live_server, upcoming_edition):
    return upcoming_edition


def open_page(page: Page, live_server, url: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + url)
    expect(page.locator("html")).to_have_attribute("lang", language)


def choose(page: Page, name: str, value: str) -> None:
    page.locator(f"input[name={name}][value='{value}']").check()


def height(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_catering_questions_show_only_when_they_apply(page: Page, live_server, edition, language):
    open_page(page, live_server, reverse("registration:register"), language)
    claim, meal = page.locator("#claim-fields"), page.locator("#meal-fields")

    # "No catering" is chosen: nothing to ask about a claim, a diet or an invoice.
    expect(page.locator("input[name=catering][value='']")).to_be_checked()
    expect(claim).to_be_hidden()
    expect(meal).to_be_hidden()
    without_catering = height(page)
    assert axe_violations(page) == []

    choose(page, "catering", "paid")
    expect(meal).to_be_visible()
    expect(claim).to_be_hidden()
    page.locator("#id_diet_note").fill("bez orzechów")
    page.locator("#meal-fields summary").click()
    page.locator("#id_invoice_name").fill("Stowarzyszenie Sąsiedzi")
    assert axe_violations(page) == []

    # Hidden and shown again: what was typed is still there.
    choose(page, "catering", "")
    expect(meal).to_be_hidden()
    choose(page, "catering", "free")
    expect(claim).to_be_visible()
    expect(meal).to_be_visible()
    expect(page.locator("#id_diet_note")).to_have_value("bez orzechów")
    expect(page.locator("#id_invoice_name")).to_have_value("Stowarzyszenie Sąsiedzi")
    assert height(page) - without_catering > PHONE["height"] / 2  # the groups were that long

    organisation = page.locator("#id_claim_organisation")
    expect(organisation).to_be_hidden()
    choose(page, "claim_basis", "organisation")
    expect(organisation).to_be_visible()
    assert axe_violations(page) == []
    choose(page, "claim_basis", "resident")
    expect(organisation).to_be_hidden()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_error_summary_leads_into_a_group_shown_again(page: Page, live_server, edition, language):
    open_page(page, live_server, reverse("registration:register"), language)
    choose(page, "catering", "free")
    page.get_by_role("button", name=TEXTS[language]["register"]).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    hrefs = [link.get_attribute("href") for link in summary.get_by_role("link").all()]
    assert "#id_claim_basis_0" in hrefs
    assert "#id_claim_town" in hrefs
    # The choice came back with the form, so its group shows with the fields the summary names.
    expect(page.locator("input[name=catering][value=free]")).to_be_checked()
    expect(page.locator("#claim-fields")).to_be_visible()
    expect(page.locator("#meal-fields")).to_be_visible()
    summary.locator("a[href='#id_claim_town']").press("Enter")
    expect(page.locator("#id_claim_town")).to_be_focused()
    expect(page.locator("#id_claim_town")).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []

    # Given up: the groups hide again and the summary's links to them are the past.
    choose(page, "catering", "")
    expect(page.locator("#claim-fields")).to_be_hidden()
    assert axe_violations(page) == []


def test_without_javascript_every_question_shows(browser, live_server, edition):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="pl-PL")
    page = context.new_page()
    page.goto(live_server.url + reverse("registration:register"))

    expect(page.locator("#claim-fields")).to_be_visible()
    expect(page.locator("#meal-fields")).to_be_visible()
    expect(page.locator("#id_claim_organisation")).to_be_visible()
    context.close()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_submit_button_is_the_sites_colour_and_the_phones_width(
    page: Page, live_server, edition, language
):
    open_page(page, live_server, reverse("registration:register"), language)
    button = page.get_by_role("button", name=TEXTS[language]["register"])

    box, form = button.bounding_box(), page.locator("form.registration-form").bounding_box()
    assert box["width"] == form["width"]
    assert box["height"] >= 44  # a thumb's target
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(11, 91, 107)"


@pytest.mark.parametrize("language", ["pl", "en"])
def test_a_full_item_says_what_a_person_can_do(page: Page, live_server, edition, language):
    visit = ProgramItem.objects.get(edition=edition, slug="wizyta-swietlica-debniki")
    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=visit.capacity, waitlist_length=2)
    forget_cached()
    full = TEXTS[language]["full"]

    open_page(page, live_server, reverse("program:program"), language)
    expect(page.locator(f"article[aria-labelledby='item-{visit.pk}-title'] .seats-left")).to_have_text(full)
    assert axe_violations(page) == []

    open_page(page, live_server, visit.get_absolute_url(), language)
    expect(page.locator(".seats-left")).to_have_text(f"{full}.")
    expect(page.locator("article dl")).to_contain_text(
        "godzina do potwierdzenia" if language == "pl" else "time to be confirmed"
    )
    assert axe_violations(page) == []

    open_page(page, live_server, reverse("registration:register"), language)
    expect(page.locator(f"[data-seats-for='{visit.pk}']")).to_have_text(full)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_where_it_is_and_the_calendar_wherever_a_person_looks(page: Page, live_server, edition, language):
    edition.venue_name = "Centrum Kultury Podgórza"
    edition.venue_address = "ul. Sokolska 13"
    edition.save()
    forget_cached()
    venue_map = OSM + "ul.+Sokolska+13%2C+Krak%C3%B3w"
    visit = ProgramItem.objects.get(edition=edition, slug="wizyta-swietlica-debniki")
    registration = sign_up(edition, [visit])
    Registration.objects.filter(pk=registration.pk).update(language=language)
    kwargs = {"public_id": registration.public_id, "token": registration.manage_token}
    map_link = "zobacz na mapie" if language == "pl" else "see it on the map"

    open_page(page, live_server, reverse("program:home"), language)
    expect(page.get_by_test_id("venue")).to_contain_text("Centrum Kultury Podgórza, ul. Sokolska 13, Kraków")
    expect(page.get_by_test_id("venue").get_by_role("link", name=map_link)).to_have_attribute(
        "href", venue_map
    )
    favicon = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(live_server.url + favicon)
    assert (response.status, response.headers["content-type"]) == (200, "image/svg+xml")
    assert page.locator("meta[name=description]").get_attribute("content")
    assert axe_violations(page) == []

    open_page(page, live_server, visit.get_absolute_url(), language)
    where = page.get_by_test_id("where")
    expect(where).to_contain_text("Świetlica Dębniki")
    expect(where.get_by_role("link", name=map_link)).to_have_attribute(
        "href", re.compile(re.escape(OSM) + r"%C5%9Awietlica\+D%C4%99bniki")
    )

    open_page(page, live_server, reverse("registration:thanks", kwargs=kwargs), language)
    expect(page.get_by_test_id("venue")).to_be_visible()
    expect(page.get_by_test_id("waiting-list-note")).to_have_count(0)  # a seat, no waiting list
    calendar = page.get_by_role(
        "link", name="Dodaj do kalendarza (.ics)" if language == "pl" else "Add to calendar (.ics)"
    )
    response = page.request.get(live_server.url + calendar.get_attribute("href"))
    assert response.status == 200
    assert b"BEGIN:VCALENDAR" in response.body()
    assert axe_violations(page) == []

    open_page(page, live_server, reverse("registration:manage", kwargs=kwargs), language)
    expect(page.get_by_test_id("venue").get_by_role("link", name=map_link)).to_have_attribute(
        "href", venue_map
    )
    # The name and the address each on a line of their own: no lone "·" between them.
    expect(page.locator("p.lead")).not_to_contain_text("·")
    assert axe_violations(page) == []
