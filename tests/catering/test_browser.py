import re

import pytest
from django.urls import reverse

from registration.models import Registration

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_now"),
    # A visitor whose browser asks for English: these tests read the English labels.
    pytest.mark.browser_context_args(locale="en-GB"),
]


def fill_person(page, email: str) -> None:
    page.fill("#id_first_name", "Anna")
    page.fill("#id_last_name", "Nowak")
    page.fill("#id_email", email)
    page.fill("#id_town", "Tarnów")
    page.select_option("#id_voivodeship", "lesser_poland")
    page.check("#id_days_0")
    page.check("#id_days_1")
    page.check("#id_accept_terms")


def test_claiming_a_free_malopolska_ticket(page, live_server, edition):
    page.goto(live_server.url + reverse("registration:register"))
    fill_person(page, "anna@example.com")
    page.get_by_label("A free ticket for Małopolska, catering included").check()
    page.get_by_label("I live in Małopolska").check()
    page.fill("#id_claim_town", "Tarnów")
    page.get_by_role("button", name="Register").click()

    page.wait_for_url("**/thanks/**")
    assert page.get_by_test_id("claim-status").inner_text() == "Awaiting verification"
    assert page.get_by_test_id("catering-status").inner_text() == "Free (Małopolska ticket)"
    assert Registration.objects.get().ticket_claims.get().town == "Tarnów"


def test_paid_catering_shows_the_transfer_details(page, live_server, edition):
    page.goto(live_server.url + reverse("registration:register"))
    fill_person(page, "jan@example.com")
    page.get_by_label(re.compile(r"Catering, 120[.,]00 zł gross, paid by bank transfer")).check()
    page.select_option("#id_diet", "vegetarian")
    page.get_by_role("button", name="Register").click()

    page.wait_for_url("**/thanks/**")
    order = Registration.objects.get().catering_orders.get()
    details = page.get_by_test_id("transfer-details")
    assert f"MO7-{order.pk:06d}" in details.inner_text()
    assert "PL50 1090 1014 0000 0000 1234 5678" in details.inner_text()
    assert details.locator("svg").count() == 1
