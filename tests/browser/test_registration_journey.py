"""The attendee's whole journey in a real browser: sign up for a study visit, read the e-mail,
open the private link, switch to another visit, cancel."""

import re

import pytest
from playwright.sync_api import expect

from program.models import ProgramItem
from registration.models import Booking, Registration
from tests.factories import send_queued_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_manage_switch_and_cancel(page, live_server, upcoming_edition, mailoutbox):
    visit = ProgramItem.objects.get(slug="wizyta-swietlica-debniki")
    other = ProgramItem.objects.get(slug="wizyta-nasza-sciana")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Zarejestruj się").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zapisy")
    page.get_by_label("Imię").fill("Józefina")
    page.get_by_label("Nazwisko").fill("Świątek-Dąbrowska")
    page.get_by_label("E-mail").fill("jozefina@example.com")
    page.locator("#id_town").fill("Kraków")
    page.get_by_label("Województwo").select_option("lesser_poland")
    page.get_by_label(re.compile("Świetlica Dębniki")).check()
    page.get_by_label(re.compile("Akceptuję")).check()
    page.get_by_role("button", name="Zarejestruj się").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dziękujemy za rejestrację")
    expect(page.get_by_text(visit.title)).to_be_visible()
    expect(page.get_by_text("miejsce potwierdzone")).to_be_visible()

    assert send_queued_mail() == 1
    (message,) = mailoutbox
    link = re.search(r"http://\S+/registration/manage/\S+/", message.body).group(0)
    manage_path = link.split("/registration/", 1)[1]

    page.goto(f"{live_server.url}/registration/{manage_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Twoja rejestracja")
    page.get_by_role("link", name="Zmień moje dni i punkty programu").click()
    page.get_by_label(re.compile("Świetlica Dębniki")).uncheck()
    page.get_by_label(re.compile("Nasza Ściana")).check()
    page.get_by_role("button", name="Zapisz mój program").click()
    expect(page.get_by_text("Twój program został zapisany.")).to_be_visible()

    registration = Registration.objects.get(email="jozefina@example.com")
    bookings = list(registration.bookings.values_list("item_id", "status"))
    assert bookings == [(other.pk, Booking.Status.CONFIRMED)]

    page.get_by_role("link", name="Anuluj moją rejestrację").click()
    page.get_by_role("button", name="Tak, anuluj moją rejestrację").click()
    expect(page.get_by_text("Twoja rejestracja została anulowana.")).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    other.refresh_from_db()
    assert other.seats_taken == 0
