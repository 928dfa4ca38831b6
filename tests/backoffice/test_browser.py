import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registration.models import DayAttendance
from tests.browser.test_accessibility import axe_violations
from tests.factories import sign_up

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(locale="en-GB"),  # these tests read the English labels
]


@pytest.fixture
def door(page, live_server, staff, edition, first_day):
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{live_server.url}/admin/login/?next=/staff/checkin/?day={first_day.pk}")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "secret-pass")
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Check-in")).to_be_visible()
    return page


def test_check_in_by_search_then_second_time_warns(door, edition, first_day, visit):
    person = sign_up(
        edition, [visit], first_name="Łucja", last_name="Wiśniewska", organisation_name="Dom Kultury"
    )
    sign_up(edition, first_name="Piotr", last_name="Nowak")
    door.get_by_label("Name, e-mail, organisation or ticket code").fill("wiśniewska")
    door.get_by_role("button", name="Search").click()
    card = door.locator(f"[data-person='{person.pk}']")
    expect(card).to_contain_text("Dom Kultury")
    expect(card).to_contain_text(visit.title)
    expect(door.locator("[data-person]")).to_have_count(1)
    # A second volunteer has the same person on screen, not yet checked in.
    other = door.context.new_page()
    other.goto(door.url)
    card.get_by_role("button", name="Check in").click()
    expect(door.locator(".alert-success")).to_have_text("Łucja Wiśniewska checked in.")
    expect(door.locator(f"[data-count-day='{first_day.pk}']")).to_have_text("1 / 2")
    first_at = DayAttendance.objects.get(registration=person, day=first_day).checked_in_at
    assert first_at is not None

    other.locator(f"[data-person='{person.pk}']").get_by_role("button", name="Check in").click()
    expect(other.locator(".alert-warning")).to_have_text(
        f"Łucja Wiśniewska was already checked in today at {timezone.localtime(first_at):%H:%M}."
    )
    expect(other.locator(f"[data-person='{person.pk}'] [data-checked-in]")).to_be_visible()
    assert DayAttendance.objects.get(registration=person, day=first_day).checked_in_at == first_at

    other.get_by_role("button", name="Undo check-in").click()
    expect(other.locator(".alert-info")).to_have_text("Check-in of Łucja Wiśniewska undone.")
    expect(
        other.locator(f"[data-person='{person.pk}']").get_by_role("button", name="Check in")
    ).to_be_visible()
    assert DayAttendance.objects.get(registration=person, day=first_day).checked_in_at is None


def test_check_in_by_typed_code(door, edition, first_day):
    person = sign_up(edition, first_name="Jan", last_name="Kowalski")
    grouped = "-".join(person.ticket_code[i : i + 4] for i in range(0, 26, 4)).lower()
    door.get_by_label("Name, e-mail, organisation or ticket code").fill(grouped)
    door.get_by_label("Name, e-mail, organisation or ticket code").press("Enter")
    card = door.locator(f"[data-person='{person.pk}']")
    expect(card).to_contain_text("Jan Kowalski")
    card.get_by_role("button", name="Check in").click()
    expect(door.locator(".alert-success")).to_have_text("Jan Kowalski checked in.")
    expect(card.locator("[data-checked-in]")).to_be_visible()
    assert DayAttendance.objects.get(registration=person, day=first_day).checked_in_at is not None


@pytest.mark.browser_context_args(locale="en-GB", bypass_csp=True)  # axe is injected from outside
def test_check_in_page_has_no_wcag_violations(door, edition, first_day, visit):
    sign_up(edition, [visit], first_name="Łucja", last_name="Wiśniewska")
    assert axe_violations(door) == []
    door.get_by_label("Name, e-mail, organisation or ticket code").fill("wiśniewska")
    door.get_by_role("button", name="Search").click()
    door.get_by_role("button", name="Check in").click()
    expect(door.locator(".alert-success")).to_have_text("Łucja Wiśniewska checked in.")
    assert axe_violations(door) == []


def test_a_walk_in_is_added_and_checked_in_at_the_door(door, edition, first_day):
    door.get_by_text("Add a walk-in").click()
    form = door.locator("#walk-in")
    form.get_by_role("textbox", name="First name").fill("Ewa")
    form.get_by_role("textbox", name="Last name").fill("Przechodnia")
    form.get_by_role("textbox", name="E-mail").fill("ewa@example.com")
    form.get_by_role("textbox", name="Town").fill("Bochnia")
    form.get_by_role("combobox", name="Voivodeship").select_option("lesser_poland")
    form.get_by_label("The person accepted the participation terms and the privacy information").check()
    form.get_by_role("button", name="Register and check in").click()
    card = door.locator("[data-person]")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Ewa Przechodnia")
    expect(door.locator(f"[data-count-day='{first_day.pk}']")).to_have_text("1 / 1")
    attendance = DayAttendance.objects.get(registration__email="ewa@example.com")
    assert (attendance.day, attendance.checked_in_at is not None) == (first_day, True)
