"""The organiser's path after the conference, in a real browser: from the dashboard to the people
checked in, certificates mailed to them by the admin action, the certificates for printing, and
the survey's results."""

import io
import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from aftercare import services
from outbox.models import OutgoingMail
from tests.factories import attended

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(locale="en-GB"),  # these tests read the English labels
]


def test_certificates_mailed_printed_and_the_survey_results(page, live_server, organiser, past, days_2023):
    came = [attended(past, first_name="Anna", last_name="Adamska"), attended(past, last_name="Bielska")]
    attended(past, first_name="Celina", last_name="Cicha", checked_in=[])
    services.feedback_submit(
        registration=came[0], day_ratings={days_2023[0].pk: 4}, item_ratings={}, comment="Dobrze."
    )
    dashboard = f"{reverse('admin_dashboard')}?edition={past.pk}"
    page.goto(f"{live_server.url}/admin/login/?next={dashboard}")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "secret-pass")
    page.click("input[type=submit]")

    after = page.locator("[data-section='after']")
    expect(after.get_by_role("heading")).to_have_text("After the conference")
    expect(after.locator(f"[data-rated='day-{days_2023[0].pk}'] td").nth(1)).to_have_text("1")
    expect(after.locator(f"[data-rated='day-{days_2023[0].pk}'] td").nth(2)).to_have_text("4.00")
    printing = after.get_by_role(
        "link", name="Certificates of attendance for printing (PDF, everybody checked in)"
    )
    response = page.request.get(live_server.url + printing.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(response.body())).pages) == 2

    after.get_by_role("link", name="People checked in").click()
    page.locator("#action-toggle").check()
    page.get_by_role("combobox", name="Action").select_option(label="Send certificates of attendance")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("Certificates of attendance queued for 2 people.")
    mails = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.CERTIFICATE)
    assert sorted(mails.values_list("registration", flat=True)) == sorted(person.pk for person in came)
