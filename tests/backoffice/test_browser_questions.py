"""The organisers' questions in a real browser: an organiser adds a question for the people of one
item; the sign-up form shows it only once the item is ticked; the attendee answers it, and the
answer is in the attendee list's CSV."""

import csv
import io
import os
import re

import pytest
from playwright.sync_api import expect

from registration.models import Question, Registration
from tests.browser.test_accessibility import axe_violations

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # These tests read the English labels; axe is injected from outside the site's CSP.
    pytest.mark.browser_context_args(locale="en-GB", bypass_csp=True),
]

ASKED = "What would you like to see there?"


def test_a_question_for_one_items_people_from_the_admin_to_the_export(
    page, live_server, organiser, edition, visit, evening
):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/registration/question/add/")
    page.fill("#id_username", "organiser")
    page.fill("#id_password", "secret-pass")
    page.click("input[type=submit]")
    page.locator("#id_edition").select_option(str(edition.pk))
    page.locator("#id_text_pl").fill("Co chcesz tam zobaczyć?")
    page.locator("#id_kind").select_option("short_text")
    page.locator("#id_required").check()
    page.locator("#id_item").select_option(str(visit.pk))
    page.get_by_role("button", name="Save", exact=True).click()
    # Bad input: the English wording is missing. Said beside it, and nothing is saved.
    expect(page.locator(".errorlist")).to_contain_text("Write the question in both Polish and English")
    assert not Question.objects.exists()
    page.locator("#id_text_en").fill(ASKED)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Question.objects.get().item == visit

    page.goto(f"{live_server.url}/registration/")
    answer = page.get_by_label(ASKED)
    expect(answer).to_be_hidden()
    expect(page.locator("#questions")).to_be_hidden()  # its only question is hidden
    page.get_by_label(re.compile(re.escape(evening.title_en or evening.title_pl))).check()
    expect(answer).to_be_hidden()
    page.get_by_label(re.compile(re.escape(visit.title_en or visit.title_pl))).check()
    expect(answer).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("First name").fill("Józefina")
    page.get_by_label("Last name").fill("Świątek")
    page.get_by_label("E-mail").fill("jozefina@example.com")
    page.locator("#id_town").fill("Kraków")
    page.get_by_label("Voivodeship").select_option("lesser_poland")
    page.get_by_label(re.compile("I accept")).check()
    page.get_by_role("button", name="Register").click()
    # Required of those who chose the item: the summary leads to it.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=re.compile(re.escape(ASKED))).click()
    expect(answer).to_be_focused()
    answer.fill("The mural")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for registering")
    registration = Registration.objects.get(email="jozefina@example.com")
    assert list(registration.answers.values_list("value", flat=True)) == ["The mural"]

    response = page.request.get(f"{live_server.url}/admin/registration/registration/export.csv")
    assert response.ok
    rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"), newline=""), delimiter=";"))
    header, person = rows
    assert person[header.index(ASKED)] == "The mural"


@pytest.mark.browser_context_args(locale="en-GB", java_script_enabled=False)
def test_without_javascript_every_question_shows(page, live_server, edition, visit):
    Question.objects.create(edition=edition, kind="yes_no", item=visit, text_pl="Weganin?", text_en="Vegan?")
    page.goto(f"{live_server.url}/registration/")
    expect(page.get_by_role("group", name="Vegan?")).to_be_visible()
