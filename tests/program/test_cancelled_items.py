"""A cancelled item stays in the public program, marked as such in both languages, and is offered
for sign-up nowhere."""

import html

import icalendar
import pytest
from django.urls import reverse

from registration import services

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def cancelled(visit):
    services.item_cancel(item=visit)
    visit.refresh_from_db()
    return visit


def card(page: str, item) -> str:
    start = page.index(f'aria-labelledby="item-{item.pk}-title"')
    return page[start : page.index("</article>", start)]


@pytest.mark.parametrize(("language", "label"), [("pl", "Odwołane"), ("en", "Cancelled")])
def test_the_program_marks_it_cancelled(client, cancelled, other_visit, language, label):
    page = text(client.get(reverse("program:program"), HTTP_ACCEPT_LANGUAGE=language))

    assert f"{label}</strong>" in card(page, cancelled)
    assert "seats-left" not in card(page, cancelled)  # no seats to count
    assert "data-cancelled" not in card(page, other_visit)
    assert "seats-left" in card(page, other_visit)


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("pl", "Odwołane: ten punkt programu się nie odbędzie."),
        ("en", "Cancelled: this item will not take place."),
    ],
)
def test_the_item_page_says_so_and_offers_no_sign_up(client, cancelled, language, says):
    page = text(client.get(cancelled.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language))

    assert says in " ".join(page.replace("<strong>", "").replace("</strong>", "").split())
    assert reverse("registration:register") + '"' not in page.split("<article>")[1]


def test_the_sign_up_form_no_longer_offers_it(client, cancelled, other_visit):
    form = client.get(reverse("registration:register")).context["form"]
    offered = {int(key) for key in form.fields["items"].objects}
    assert cancelled.pk not in offered
    assert other_visit.pk in offered


def test_the_calendar_feed_marks_it_cancelled(client, cancelled, other_visit):
    calendar = icalendar.Calendar.from_ical(client.get(reverse("program:ics")).content)
    status = {str(event["uid"]): event.get("status") for event in calendar.walk("VEVENT")}
    assert status[f"item-{cancelled.pk}@miejsca-otwarte"] == "CANCELLED"
    assert status[f"item-{other_visit.pk}@miejsca-otwarte"] is None
