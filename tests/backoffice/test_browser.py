import os
from pathlib import Path

import pytest
import segno
from django.utils import timezone
from playwright.sync_api import expect

from registration import services
from registration.checkin import attendance_check_in
from registration.models import DayAttendance
from registration.tickets import formatted_ticket_code
from tests.browser.test_accessibility import axe_violations
from tests.factories import sign_up

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(locale="en-GB"),  # these tests read the English labels
]


PHONE = {"width": 390, "height": 844}
CODE_FIELD = "Name, e-mail, organisation or ticket code"


def log_in_at_the_door(page, live_server, day):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/login/?next=/staff/checkin/?day={day.pk}")
    page.fill("#id_username", "staff")
    page.fill("#id_password", "secret-pass")
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Check-in")).to_be_visible()
    return page


@pytest.fixture
def at_the_door(staff):
    staff.first_name, staff.last_name = "Ola", "Bramka"
    staff.save()
    return staff


@pytest.fixture
def door(page, live_server, at_the_door, edition, first_day):
    return log_in_at_the_door(page, live_server, first_day)


def result(page):
    return page.locator("#checkin-result")


def type_code(page, code: str):
    page.get_by_label(CODE_FIELD).fill(code)
    page.get_by_label(CODE_FIELD).press("Enter")


def next_person(page):
    page.get_by_role("link", name="Next").click()
    expect(result(page)).to_have_count(0)
    expect(page.get_by_label(CODE_FIELD)).to_be_focused()
    expect(page.get_by_label(CODE_FIELD)).to_have_value("")


def test_the_page_shows_who_is_at_the_door(door):
    expect(door.locator("#staff-session")).to_contain_text("Signed in as Ola Bramka")
    door.get_by_role("button", name="Log out").click()
    expect(door.locator("#id_username")).to_be_visible()  # the login page, to come back to the door


def test_check_in_by_search_then_second_time_is_red(door, edition, first_day, visit):
    person = sign_up(
        edition, [visit], first_name="Łucja", last_name="Wiśniewska", organisation_name="Dom Kultury"
    )
    sign_up(edition, first_name="Piotr", last_name="Nowak")
    door.get_by_label(CODE_FIELD).fill("wiśniewska")
    door.get_by_role("button", name="Search").click()
    card = door.locator(f"[data-person='{person.pk}']")
    expect(card).to_contain_text("Dom Kultury")
    expect(card).to_contain_text(visit.title)
    expect(door.locator("[data-person]")).to_have_count(1)
    # A second volunteer has the same person on screen, not yet checked in.
    other = door.context.new_page()
    other.goto(door.url)
    card.get_by_role("button", name="Check in").click()
    expect(result(door)).to_have_attribute("data-state", "ok")
    expect(door.get_by_role("dialog", name="OK, welcome")).to_contain_text("Łucja Wiśniewska")
    next_person(door)
    expect(door.locator(f"[data-count-day='{first_day.pk}']")).to_have_text("1 / 2")
    first_at = DayAttendance.objects.get(registration=person, day=first_day).checked_in_at
    assert first_at is not None

    other.locator(f"[data-person='{person.pk}']").get_by_role("button", name="Check in").click()
    expect(other.get_by_role("alertdialog", name="Already checked in")).to_contain_text(
        f"Checked in at {timezone.localtime(first_at):%H:%M} by Ola Bramka."
    )
    assert DayAttendance.objects.get(registration=person, day=first_day).checked_in_at == first_at
    next_person(other)

    other.get_by_label(CODE_FIELD).fill("wiśniewska")
    other.get_by_role("button", name="Search").click()
    other.get_by_role("button", name="Undo check-in").click()
    expect(other.locator(".alert-info")).to_have_text("Check-in of Łucja Wiśniewska undone.")
    expect(
        other.locator(f"[data-person='{person.pk}']").get_by_role("button", name="Check in")
    ).to_be_visible()
    assert DayAttendance.objects.get(registration=person, day=first_day).checked_in_at is None


def test_a_typed_code_checks_in_at_once(door, edition, first_day, visit):
    person = sign_up(edition, [visit], first_name="Jan", last_name="Kowalski")
    type_code(door, formatted_ticket_code(person.ticket_code).lower())
    shown = door.get_by_role("dialog", name="OK, welcome")
    expect(shown).to_contain_text("Jan Kowalski")
    expect(shown).to_contain_text(f"{timezone.localtime(visit.starts_at):%H:%M}")
    expect(shown).to_contain_text(visit.title)
    expect(shown.locator("[data-catering]")).to_have_text("none")
    expect(door.get_by_role("link", name="Next")).to_be_focused()
    assert DayAttendance.objects.get(registration=person, day=first_day).checked_in_at is not None
    next_person(door)
    expect(door.locator(f"[data-count-day='{first_day.pk}']")).to_have_text("1 / 1")


@pytest.mark.browser_context_args(locale="en-GB", bypass_csp=True)  # axe is injected from outside
def test_every_result_has_no_wcag_violations(door, at_the_door, edition, first_day, second_day, visit):
    ok = sign_up(edition, [visit], first_name="Łucja", last_name="Wiśniewska")
    already = sign_up(edition)
    attendance_check_in(registration=already, day=first_day, by=at_the_door)
    elsewhere = sign_up(edition, days=[second_day])
    cancelled = services.registration_cancel(registration=sign_up(edition))
    edition.registrations_need_approval = True
    edition.save()
    waiting = sign_up(edition)
    assert axe_violations(door) == []
    for person, state, role, title in [
        (ok, "ok", "dialog", "OK, welcome"),
        (already, "already", "alertdialog", "Already checked in"),
        (elsewhere, "not_attending", "alertdialog", "Not registered for this day"),
        (cancelled, "cancelled", "alertdialog", "Registration cancelled"),
        (waiting, "awaiting_approval", "alertdialog", "Awaiting approval"),
        (None, "unknown_code", "alertdialog", "Unknown code"),
    ]:
        type_code(door, person.ticket_code if person else "A" * 26)
        expect(door.get_by_role(role, name=title)).to_be_visible()
        expect(result(door)).to_have_attribute("data-state", state)
        assert axe_violations(door) == [], state
        next_person(door)
    door.get_by_label(CODE_FIELD).fill("wiśniewska")
    door.get_by_role("button", name="Search").click()
    expect(door.locator("[data-person]")).to_have_count(1)
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


# --- scanning with the camera --------------------------------------------------------------------


def qr_video(path: Path, text: str, width: int = 640, height: int = 480, frames: int = 5) -> Path:
    """A Y4M file (raw YUV 4:2:0) showing the text's QR code, black on white, mid-frame: what
    chromium's fake camera plays in a loop."""
    matrix = segno.make(text).matrix_iter(scale=8, border=4)
    rows = [bytes(0 if dark else 255 for dark in row) for row in matrix]
    size = len(rows)
    top, left = (height - size) // 2, (width - size) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(rows):
        start = (top + y) * width + left
        luma[start : start + size] = row
    chroma = b"\x80" * (width // 2 * height // 2 * 2)  # no colour: both planes mid-grey
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma)
    return path


@pytest.fixture
def camera_door(launch_browser, browser_type_launch_args, live_server, tmp_path, staff, request):
    """A door phone whose camera films the ticket of the test's `ticket_holder`. Its own chromium:
    the fake camera is a launch option, and only this test needs it."""
    person = request.getfixturevalue("ticket_holder")
    video = qr_video(tmp_path / "ticket.y4m", person.ticket_code)
    browser = launch_browser(
        args=[
            *browser_type_launch_args["args"],
            "--use-fake-device-for-media-stream",
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
    )
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/Warsaw", viewport=PHONE, permissions=["camera"]
    )
    # Chromium on Linux has no BarcodeDetector; take it away elsewhere too, so that the test
    # always scans with the vendored jsQR.
    context.add_init_script("delete window.BarcodeDetector;")
    yield log_in_at_the_door(context.new_page(), live_server, person.days.get().day)
    context.close()
    browser.close()


@pytest.fixture
def ticket_holder(edition, first_day, visit):
    return sign_up(edition, [visit], first_name="Marta", last_name="Skanowana")


def test_a_scanned_ticket_checks_in_without_barcode_detector(camera_door, ticket_holder, first_day):
    assert camera_door.evaluate("'BarcodeDetector' in window") is False
    camera_door.get_by_role("button", name="Scan the QR code with the camera").click()
    shown = camera_door.get_by_role("dialog", name="OK, welcome")
    expect(shown).to_contain_text("Marta Skanowana", timeout=20_000)
    assert camera_door.evaluate("typeof window.jsQR") == "function"  # loaded for the scan
    attendance = DayAttendance.objects.get(registration=ticket_holder, day=first_day)
    assert attendance.checked_in_at is not None and attendance.checked_in_by.username == "staff"
    next_person(camera_door)
    expect(camera_door.locator("#scan-video")).to_be_hidden()  # the camera is off again
