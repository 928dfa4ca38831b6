import uuid

import pytest
from django.urls import reverse

from catering.forms import CateringMixin
from catering.models import CateringOrder
from registration.models import Registration

from .conftest import free, paid, register, set_limits

pytestmark = pytest.mark.usefixtures("frozen_now")


def form_data(edition, **overrides) -> dict:
    data = {
        "first_name": "Anna",
        "last_name": "Nowak",
        "email": "anna@example.com",
        "town": "Tarnów",
        "voivodeship": "lesser_poland",
        "days": [day.pk for day in edition.days.all()],
        "accept_terms": "on",
        "submission_key": str(uuid.uuid4()),
        "diet": "standard",
    }
    data.update(overrides)
    return data


def test_form_offers_catering_with_price(client, edition):
    response = client.get(reverse("registration:register"))

    assert response.status_code == 200
    assert "Catering, 120.00 zł gross, paid by bank transfer" in response.content.decode()
    assert "A free ticket for Małopolska, catering included" in response.content.decode()


def test_form_says_when_free_tickets_are_gone(client, edition, offer):
    set_limits(offer, free_ticket_quota=1)
    register(edition, free())

    response = client.get(reverse("registration:register"))

    page = response.content.decode()
    assert "A free ticket for Małopolska: none left — join the waiting list; a ticket freed" in page
    assert "(0 waiting)" not in page  # nobody waits: no count of nobody


def test_form_counts_the_people_waiting_for_a_free_ticket(client, edition, offer):
    set_limits(offer, free_ticket_quota=1)
    register(edition, free())
    register(edition, free())

    response = client.get(reverse("registration:register"))

    assert "none left — join the waiting list (1 person waiting)" in response.content.decode()


def test_paid_catering_shows_transfer_details_on_the_thank_you_page(client, edition):
    response = client.post(reverse("registration:register"), form_data(edition, catering="paid"), follow=True)

    registration = Registration.objects.get()
    order = registration.catering_orders.get()
    page = response.content.decode()
    assert response.redirect_chain[0][1] == 302
    assert order.status == "awaiting_payment"
    assert f"MO7-{order.pk:06d}" in page
    assert "PL50 1090 1014 0000 0000 1234 5678" in page
    assert "Fundacja Biuro Inicjatyw Społecznych" in page
    assert "<svg" in page


def test_claiming_a_free_ticket(client, edition):
    data = form_data(
        edition,
        catering="free",
        claim_basis="organisation",
        claim_organisation="Centrum Kultury Podgórza",
        claim_town="Kraków",
        diet="vegan",
    )

    response = client.post(reverse("registration:register"), data, follow=True)

    claim = Registration.objects.get().ticket_claims.get()
    assert (claim.basis, claim.organisation, claim.town, claim.status) == (
        "organisation",
        "Centrum Kultury Podgórza",
        "Kraków",
        "pending",
    )
    assert "Awaiting verification" in response.content.decode()


def test_organisation_claim_needs_the_organisation(client, edition):
    data = form_data(edition, catering="free", claim_basis="organisation", claim_town="Kraków")

    response = client.post(reverse("registration:register"), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "claim_organisation": ["Give the name of the organisation or institution."]
    }
    assert Registration.objects.count() == 0


def test_invalid_nip_is_refused(client, edition):
    data = form_data(
        edition,
        catering="paid",
        invoice_name="Fundacja X",
        invoice_nip="123-456-32-19",
        invoice_address="Kraków",
    )

    response = client.post(reverse("registration:register"), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "invoice_nip": ["Enter a valid NIP: 10 digits, e.g. 123-456-32-18."]
    }


def test_valid_nip_is_stored_compact(client, edition):
    data = form_data(
        edition,
        catering="paid",
        invoice_name="Fundacja X",
        invoice_nip="123-456-32-18",
        invoice_address="Kraków",
    )

    client.post(reverse("registration:register"), data)

    assert CateringOrder.objects.get().invoice_nip == "1234563218"


def test_catering_without_the_catering_day_is_refused(client, edition):
    first_day = edition.days.order_by("date").first()

    response = client.post(
        reverse("registration:register"), form_data(edition, catering="paid", days=[first_day.pk])
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "catering": ["The catering is served on 30.11.2030: choose that day too, or leave out the catering."]
    }
    assert Registration.objects.count() == 0


def test_manage_page_adds_changes_and_drops_the_catering(client, edition, offer):
    registration = register(edition)
    url = registration.get_manage_url()
    step = reverse("registration:manage_catering", args=[registration.public_id, registration.manage_token])

    client.post(step, {"action": "catering_add", "catering-diet": "vegetarian", "catering-diet_note": ""})
    order = registration.catering_orders.get()
    assert (order.status, order.diet) == ("awaiting_payment", "vegetarian")
    assert f"MO7-{order.pk:06d}" in client.get(url).content.decode()

    client.post(step, {"action": "catering_diet", "catering-diet": "other", "catering-diet_note": "bez soi"})
    order.refresh_from_db()
    assert (order.diet, order.diet_note) == ("other", "bez soi")

    client.post(step, {"action": "catering_drop"})
    order.refresh_from_db()
    offer.refresh_from_db()
    assert order.status == "cancelled"
    assert offer.paid_taken == 0


def test_the_form_shows_the_meals_left_now_and_the_lock_decides(
    client, edition, offer, django_capture_on_commit_callbacks, local_clock
):
    """The form's offer comes from the cache, its counters do not: the last paid meal taken by
    someone else shows at once (the cached page is stale at commit), and a sign-up that still
    asks for it is refused with nothing saved."""
    set_limits(offer, capacity=offer.free_ticket_quota + 1)
    client.get(reverse("registration:register"))  # the offer and the page are cached with a meal left
    with django_capture_on_commit_callbacks(execute=True):
        register(edition, paid(), email="first@example.com")
    local_clock.window_passes()

    assert "Paid catering: sold out" in client.get(reverse("registration:register")).content.decode()
    response = client.post(reverse("registration:register"), form_data(edition, catering="paid"))

    assert response.status_code == 400
    assert "The paid catering is sold out." in response.content.decode()
    assert "Paid catering: sold out" in response.content.decode()
    assert not Registration.objects.filter(email="anna@example.com").exists()


def test_a_sign_up_without_catering_leaves_its_questions_aside(client, edition):
    """The claim, diet and invoice questions join the form only with catering: filled in and then
    left without catering, they are neither checked nor kept."""
    data = form_data(edition, catering="", invoice_nip="not a NIP", diet="other", diet_note="")

    response = client.post(reverse("registration:register"), data)

    assert response.status_code == 302
    assert Registration.objects.count() == 1
    assert not CateringOrder.objects.exists()


def test_a_form_sent_back_without_catering_still_asks_them_with_what_was_typed(client, edition):
    data = form_data(edition, catering="", accept_terms="", diet_note="bez orzechów")

    response = client.post(reverse("registration:register"), data)

    assert response.status_code == 400
    page = response.content.decode()
    for name in CateringMixin.DETAILS:
        assert f'name="{name}"' in page
    assert 'value="bez orzechów"' in page
    assert list(response.context["form"].errors) == ["accept_terms"]
