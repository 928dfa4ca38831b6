"""The management page is a summary with no form to fill in; each change is a focused step under
the same private link (items, details, catering), which saves and goes back to the summary."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from catering.models import CateringOffer
from program.models import Edition
from registration.models import Registration
from registration.services import registration_cancel
from tests.factories import sign_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


def step(registration, name: str) -> str:
    return reverse(f"registration:{name}", args=[registration.public_id, registration.manage_token])


def details_data(registration, **changes) -> dict:
    fields = ("first_name", "last_name", "email", "town", "voivodeship")
    return {
        "action": "person",
        **{f"person-{name}": getattr(registration, name) for name in fields},
        **changes,
    }


def test_the_summary_has_no_form_to_fill_in_and_links_each_step(client_en, edition, visit):
    visit.capacity = 1
    visit.save()
    sign_up(edition, [visit])
    person = sign_up(edition, [visit])  # waiting
    page = client_en.get(person.get_manage_url()).content.decode()
    # Only buttons: no field to type in or tick, and every form posts to a step of its own.
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
    assert [field for field in fields if 'type="hidden"' not in field] == []
    assert re.findall(r'<form method="post" action="([^"]+)"', page) == [step(person, "manage_items")]
    assert 'value="leave_waitlist"' in page
    for name in ("manage_items", "manage_details", "manage_catering", "cancel", "data", "delete"):
        assert f'href="{step(person, name)}"' in page
    assert "Download a copy of your data" in page
    assert "in a file a computer can read (JSON)" in page
    assert "Download your data (JSON)" not in page


def test_the_summary_is_read_only(client_en, edition):
    person = sign_up(edition)
    response = client_en.post(person.get_manage_url(), details_data(person, **{"person-first_name": "X"}))
    assert response.status_code == 405
    person.refresh_from_db()
    assert person.first_name != "X"


def test_change_items_saves_and_goes_back_to_the_summary(client_en, edition, visit, other_visit):
    person = sign_up(edition, [visit])
    url = step(person, "manage_items")
    page = client_en.get(url).content.decode()
    assert page.count('type="submit"') == 1
    assert f'href="{person.get_manage_url()}"' in page
    data = {"action": "items", "items-items": [other_visit.pk], "items-days": [edition.days.first().pk]}
    response = client_en.post(url, data, follow=True)
    assert response.redirect_chain == [(person.get_manage_url(), 302)]
    assert "Your program has been saved." in response.content.decode()
    assert list(person.bookings.values_list("item_id", flat=True)) == [other_visit.pk]


def test_change_items_with_an_error_shows_the_step_again(client_en, edition, visit):
    person = sign_up(edition, [visit])
    data = {"action": "items", "items-items": ["999999"], "items-days": [edition.days.first().pk]}
    response = client_en.post(step(person, "manage_items"), data)
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert list(person.bookings.values_list("item_id", flat=True)) == [visit.pk]


def test_leave_the_waiting_list_from_the_summary(client_en, edition, visit):
    visit.capacity = 1
    visit.save()
    sign_up(edition, [visit])
    person = sign_up(edition, [visit])
    response = client_en.post(
        step(person, "manage_items"), {"action": "leave_waitlist", "item": str(visit.pk)}, follow=True
    )
    assert response.redirect_chain == [(person.get_manage_url(), 302)]
    assert "You have left the waiting list." in response.content.decode()
    assert not person.bookings.exists()


def test_change_details_saves_and_goes_back_to_the_summary(client_en, edition):
    person = sign_up(edition, first_name="Ala")
    url = step(person, "manage_details")
    page = client_en.get(url).content.decode()
    assert page.count('type="submit"') == 1
    response = client_en.post(url, details_data(person, **{"person-first_name": "Alicja"}), follow=True)
    assert response.redirect_chain == [(person.get_manage_url(), 302)]
    assert "Your details have been saved." in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Alicja"


def test_change_details_with_an_error_shows_the_step_again(client_en, edition):
    person = sign_up(edition)
    response = client_en.post(
        step(person, "manage_details"), details_data(person, **{"person-email": "not an address"})
    )
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert Registration.objects.get(pk=person.pk).email == person.email


def test_catering_step_orders_and_goes_back_to_the_summary(client_en, edition):
    person = sign_up(edition, days=list(edition.days.all()))
    url = step(person, "manage_catering")
    assert "Order the catering" in client_en.get(url).content.decode()
    data = {"action": "catering_add", "catering-diet": "vegetarian", "catering-diet_note": ""}
    response = client_en.post(url, data, follow=True)
    assert response.redirect_chain == [(person.get_manage_url(), 302)]
    order = person.catering_orders.get()
    assert "The catering is ordered" in response.content.decode()
    assert f"MO7-{order.pk:06d}" in response.content.decode()  # the transfer details on the summary


def test_the_catering_offer_shows_live_counts_and_the_organisers_edits(client_en, edition):
    """The offer's fixed parts come cached with the sign-up form's choices, its counters are read
    with the person: the last paid meal sold elsewhere (an update, which drops no cache) takes the
    order link away at once, and an organiser's new price shows at once."""
    person = sign_up(edition, days=list(edition.days.all()))
    offer = CateringOffer.objects.get(edition=edition)
    assert step(person, "manage_catering") in client_en.get(person.get_manage_url()).content.decode()

    CateringOffer.objects.filter(pk=offer.pk).update(paid_taken=offer.capacity - offer.free_ticket_quota)
    assert step(person, "manage_catering") not in client_en.get(person.get_manage_url()).content.decode()

    CateringOffer.objects.filter(pk=offer.pk).update(paid_taken=0)
    offer.refresh_from_db()
    offer.price = 61
    offer.save()
    assert "Order the catering (61" in client_en.get(step(person, "manage_catering")).content.decode()


def test_an_edition_without_catering_has_no_catering_step(client_en, edition):
    CateringOffer.objects.filter(edition=edition).delete()
    person = sign_up(edition)
    assert client_en.get(step(person, "manage_catering")).status_code == 404
    assert step(person, "manage_catering") not in client_en.get(person.get_manage_url()).content.decode()


def test_after_the_deadline_the_items_step_says_whom_to_write_to(client_en, edition, visit, other_visit):
    person = sign_up(edition, [visit])
    past = timezone.now() - dt.timedelta(minutes=1)
    Edition.objects.filter(pk=edition.pk).update(changes_close_at=past, contact_email="biuro@example.org")
    url = step(person, "manage_items")
    page = client_en.get(url).content.decode()
    assert 'data-testid="changes-closed"' in page
    assert "<form" not in page.split('id="content"', 1)[1]
    response = client_en.post(url, {"action": "items", "items-items": [other_visit.pk]}, follow=True)
    assert "write to the organisers (biuro@example.org)" in response.content.decode()
    assert person.bookings.get().item_id == visit.pk
    # the details still change after the deadline, as before
    assert "<form" in client_en.get(step(person, "manage_details")).content.decode()


@pytest.mark.parametrize("name", ["manage_items", "manage_details", "manage_catering"])
def test_a_cancelled_registration_changes_nothing(client_en, edition, visit, name):
    person = sign_up(edition, [visit], first_name="Ala", days=list(edition.days.all()))
    registration_cancel(registration=person)
    page = client_en.get(step(person, name)).content.decode()
    assert 'data-testid="step-refused"' in page
    assert "This registration has been cancelled." in page
    assert "<form" not in page.split('id="content"', 1)[1]
    response = client_en.post(step(person, name), details_data(person, **{"person-first_name": "Ola"}))
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.first_name == "Ala"
