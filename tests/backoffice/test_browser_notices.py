"""The organiser's main path of issue #15's change notices, in a real browser: move an item to
another time, read whom the notice goes to, confirm, and the notices are queued."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration import services
from tests.factories import sign_up

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(locale="en-GB"),  # the admin's English labels
]


def test_an_organiser_moves_an_item_and_its_people_are_told(page, live_server, organiser, edition, visit):
    services.item_set_capacity(item=visit, capacity=1)
    seated = sign_up(edition, [visit], first_name="Łucja", last_name="Wiśniewska")
    waiting = sign_up(edition, [visit], first_name="Piotr", last_name="Nowak")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/program/programitem/{visit.pk}/change/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "secret-pass")
    page.click("input[type=submit]")

    start, end = (timezone.localtime(value) for value in (visit.starts_at, visit.ends_at))
    page.fill("#id_starts_at_1", f"{start.hour + 1:02d}:{start:%M}:00")
    page.fill("#id_ends_at_1", f"{end.hour + 1:02d}:{end:%M}:00")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="Tell the people of this item about the change?")).to_be_visible()
    changes = page.get_by_test_id("changes")
    expect(changes).to_contain_text(f"{start.hour:02d}:{start:%M}–{end.hour:02d}:{end:%M}")
    expect(changes).to_contain_text(f"{start.hour + 1:02d}:{start:%M}–{end.hour + 1:02d}:{end:%M}")
    expect(page.get_by_test_id("seated")).to_have_text("Wiśniewska Łucja (" + seated.email + ")")
    expect(page.get_by_test_id("waiting")).to_have_text("Nowak Piotr (" + waiting.email + ")")
    assert not OutgoingMail.objects.filter(kind=OutgoingMail.Kind.ITEM_CHANGED).exists()

    page.get_by_role("button", name="Save and notify 2 people").click()

    expect(page.locator(".messagelist")).to_contain_text("A notice of the change was queued for 2 people.")
    told = OutgoingMail.objects.filter(kind=OutgoingMail.Kind.ITEM_CHANGED)
    assert sorted(told.values_list("registration_id", flat=True)) == sorted([seated.pk, waiting.pk])
    moved = ProgramItem.objects.get(pk=visit.pk)
    assert timezone.localtime(moved.starts_at).hour == start.hour + 1
