"""The organiser's main path with messages, in a real browser: from the dashboard to an item's
waiting list, write in both languages, preview, send."""

import os

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from messaging.models import Message
from outbox.models import OutgoingMail
from registration import services
from tests.factories import sign_up

# Playwright's sync API runs an event loop in this thread; the test's ORM calls are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(locale="en-GB"),  # these tests read the English labels
]


def test_write_to_an_items_waiting_list_preview_and_send(page, live_server, organiser, edition, visit):
    services.item_set_capacity(item=visit, capacity=1)
    seated = sign_up(edition, [visit], first_name="Anna", last_name="Adamska")
    waiting = [
        sign_up(edition, [visit], first_name="Bartek", last_name="Bielski"),
        sign_up(edition, [visit], first_name="Celina", last_name="Cichy"),
    ]
    page.goto(f"{live_server.url}/admin/login/?next={reverse('admin_dashboard')}")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "secret-pass")
    page.click("input[type=submit]")

    page.locator(f"[data-item='{visit.slug}']").get_by_role("link", name="write to them").click()
    expect(page.get_by_role("heading", name="Write to attendees")).to_be_visible()
    expect(page.get_by_label("People on an item's waiting list")).to_be_checked()
    page.get_by_label("Subject in Polish").fill("Lista rezerwowa")
    page.get_by_label("Message in Polish").fill("Czekasz na miejsce.\nDamy znać.")
    page.get_by_label("Subject in English").fill("The waiting list")
    page.get_by_label("Message in English").fill("You are waiting for a seat.\nWe will let you know.")
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_test_id("recipient-count")).to_have_text("This message goes to 2 people.")
    expect(page.get_by_test_id("recipients")).to_contain_text("Bielski Bartek")
    expect(page.get_by_test_id("recipients")).not_to_contain_text("Adamska")
    expect(page.get_by_test_id("preview").first).to_contain_text("Czekasz na miejsce.")
    expect(page.get_by_test_id("preview").last).to_contain_text("Hello Bartek,")
    assert Message.objects.count() == 0
    page.get_by_role("button", name="Send to 2 people").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "The message “The waiting list” is on its way to 2 people."
    )
    expect(page.get_by_text("0 sent, 2 waiting, 0 failed")).to_be_visible()
    message = Message.objects.get()
    mails = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.MESSAGE)
    assert sorted(mails.values_list("registration", flat=True)) == sorted(person.pk for person in waiting)
    assert not mails.filter(registration=seated).exists()
    assert (message.audience, message.item, message.sent_by, message.subject_pl) == (
        Message.Audience.WAITING,
        visit,
        organiser,
        "Lista rezerwowa",
    )
