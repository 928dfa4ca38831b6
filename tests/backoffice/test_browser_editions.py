"""The next edition in a real browser: an organiser prepares it from this one in the admin, opens
it, makes it current, and the public site switches; the old edition's people keep their page."""

import os

import pytest
from playwright.sync_api import expect

from program.models import Edition
from tests.factories import sign_up

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser_context_args(locale="en-GB"),
]


def test_prepare_the_next_edition_open_it_and_make_it_current(page, live_server, organiser, edition):
    person = sign_up(edition)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/program/edition/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "secret-pass")
    page.click("input[type=submit]")
    page.locator(f"input[name=_selected_action][value='{edition.pk}']").check()
    page.locator("select[name=action]").select_option("prepare_next")
    page.get_by_role("button", name="Go").click()
    # The form proposes the next number and the same dates a year later.
    expect(page.locator("#id_number")).to_have_value(str(edition.number + 1))
    next_year = edition.starts_on.replace(year=edition.starts_on.year + 1)
    expect(page.locator("#id_starts_on")).to_have_value(next_year.isoformat())
    page.get_by_role("button", name="Prepare the next edition").click()
    expect(page.locator(".messagelist")).to_contain_text("is ready")
    copy = Edition.objects.get(number=edition.number + 1)
    assert page.url.endswith(f"/admin/program/edition/{copy.pk}/change/")
    assert (copy.is_current, copy.items.count(), copy.registrations.count()) == (
        False,
        edition.items.count(),
        0,
    )
    page.goto(f"{live_server.url}/admin/program/edition/")
    page.locator(f"input[name=_selected_action][value='{copy.pk}']").check()
    page.locator("select[name=action]").select_option("make_current")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("is the current edition now")
    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(f"{copy.number}th")
    expect(page.locator("main")).to_contain_text(str(next_year.year))
    page.goto(f"{live_server.url}{person.get_manage_url()}")
    expect(page.locator("main")).to_contain_text(person.email)
