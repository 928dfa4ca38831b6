"""The sign-up form asks only what applies: the catering's groups of questions, the server's side
of hiding them, and the wording around the form (full items, the thanks page, the error summary,
the e-mail's wording)."""

import html
import json
import re
import uuid

import pytest
from django.urls import reverse

from catering.forms import CateringMixin
from catering.models import CateringOrder, FreeTicketClaim
from program.models import ProgramItem
from registration.models import Booking, Registration
from tests.factories import forget_cached, send_queued_mail, sign_up

pytestmark = pytest.mark.django_db

REGISTER = reverse("registration:register")


@pytest.fixture(autouse=True)
def _still_clock(monkeypatch):
    """django-ratelimit counts in fixed windows: keep the tests inside one of them."""
    monkeypatch.setattr("django_ratelimit.core._get_window", lambda value, period: 1_800_000_000)


def form_data(edition, **overrides) -> dict:
    data = {
        "first_name": "Łucja",
        "last_name": "Wąsowska",
        "email": "lucja@example.com",
        "town": "Nowy Sącz",
        "voivodeship": "lesser_poland",
        "accept_terms": "on",
        "submission_key": str(uuid.uuid4()),
        "days": [day.pk for day in edition.days.all()],
    }
    data.update(overrides)
    return data


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_groups_say_for_which_choices_they_show(client, edition):
    content = text(client.get(REGISTER))

    assert re.search(r'data-show-when="catering=free" id="claim-fields"', content)
    assert re.search(r'data-show-when="catering=paid,free" id="meal-fields"', content)
    assert 'data-show-when="claim_basis=organisation"' in content
    assert "js/disclosure.js" in content


def test_no_catering_ignores_whatever_the_hidden_groups_hold(client, edition):
    """Typed, then hidden by choosing no catering: a wrong NIP, a diet without its note, a claim
    without its town stop nothing and are not saved."""
    data = form_data(
        edition,
        catering="",
        diet="other",
        diet_note="",
        invoice_nip="123",
        invoice_name="Firma",
        claim_basis="organisation",
        claim_organisation="",
    )

    response = client.post(REGISTER, data)

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert not CateringOrder.objects.filter(registration=registration).exists()
    assert not FreeTicketClaim.objects.filter(registration=registration).exists()


def test_paid_catering_ignores_the_hidden_claim(client, edition):
    data = form_data(edition, catering="paid", diet="vegan", claim_basis="bogus", claim_town="x" * 500)

    response = client.post(REGISTER, data)

    assert response.status_code == 302
    order = CateringOrder.objects.get()
    assert order.diet == "vegan"
    assert not FreeTicketClaim.objects.exists()


def test_paid_catering_checks_the_invoice_it_shows(client, edition):
    response = client.post(REGISTER, form_data(edition, catering="paid", invoice_nip="123"))

    assert response.status_code == 400
    content = text(response)
    summary = content[content.index('id="error-summary"') :].split("</ul>")[0]
    assert 'href="#id_invoice_nip"' in summary
    assert '<details class="mb-3" open>' in content  # the invoice's fields, opened on their errors
    assert not Registration.objects.exists()


def test_a_free_ticket_checks_its_claim_and_the_form_comes_back_with_it(client, edition):
    response = client.post(REGISTER, form_data(edition, catering="free"))

    assert response.status_code == 400
    content = text(response)
    summary = content[content.index('id="error-summary"') :].split("</ul>")[0]
    assert re.findall(r'href="#(id_claim_[a-z_0-9]+)"', summary) == ["id_claim_basis_0", "id_claim_town"]
    # The choice is kept, so the script shows the claim's group with the fields the summary links to.
    assert re.search(r'value="free"[^>]*checked', content)
    assert 'id="id_claim_basis_0"' in content


def test_show_when_follows_the_groups():
    form = CateringMixin()

    assert form.show_when() == {"claim": "catering=free", "meal": "catering=paid,free"}
    grouped = [name for names, _choices in CateringMixin.GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(CateringMixin.DETAILS)


@pytest.mark.parametrize(
    ("waiting", "expected"),
    [
        (0, "Brak wolnych miejsc — zapisz się na listę rezerwową"),
        (1, "Brak wolnych miejsc — zapisz się na listę rezerwową (czeka 1 osoba)"),
        (2, "Brak wolnych miejsc — zapisz się na listę rezerwową (czekają 2 osoby)"),
        (5, "Brak wolnych miejsc — zapisz się na listę rezerwową (czeka 5 osób)"),
        (22, "Brak wolnych miejsc — zapisz się na listę rezerwową (czekają 22 osoby)"),
    ],
)
def test_the_form_says_how_to_join_a_full_items_waiting_list(client, edition, visit, waiting, expected):
    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=visit.capacity, waitlist_length=waiting)
    forget_cached()
    client.cookies["django_language"] = "pl"

    content = text(client.get(REGISTER))

    seats = re.search(rf'data-seats-for="{visit.pk}">(.*?)</span>', content, re.S).group(1)
    assert " ".join(seats.split()) == expected


def test_the_live_counters_word_a_full_item_as_the_page_does(client, edition):
    client.cookies["django_language"] = "pl"

    content = client.get(REGISTER).content.decode()

    texts = json.loads(
        re.search(r'<script id="seat-texts" type="application/json">(.*?)</script>', content).group(1)
    )
    assert texts["full"] == [
        "Brak wolnych miejsc — zapisz się na listę rezerwową (czeka %s osoba)",
        "Brak wolnych miejsc — zapisz się na listę rezerwową (czekają %s osoby)",
        "Brak wolnych miejsc — zapisz się na listę rezerwową (czeka %s osób)",
    ]
    assert texts["full_nobody_waiting"] == "Brak wolnych miejsc — zapisz się na listę rezerwową"


def test_the_thanks_page_speaks_of_a_waiting_list_only_to_people_on_one(client, edition, visit):
    seated = sign_up(edition, [visit])
    ProgramItem.objects.filter(pk=visit.pk).update(capacity=1)
    waiting = sign_up(edition, [ProgramItem.objects.get(pk=visit.pk)])
    assert waiting.bookings.get().status == Booking.Status.WAITLISTED
    client.cookies["django_language"] = "pl"

    def thanks(registration):
        kwargs = {"public_id": registration.public_id, "token": registration.manage_token}
        return text(client.get(reverse("registration:thanks", kwargs=kwargs)))

    assert "liście rezerwowej" not in thanks(seated)
    assert "Jesteś na liście rezerwowej: napiszemy do Ciebie" in thanks(waiting)


def test_the_thanks_page_adds_the_program_to_a_calendar(client, edition, visit):
    registration = sign_up(edition, [visit])
    kwargs = {"public_id": registration.public_id, "token": registration.manage_token}
    client.cookies["django_language"] = "pl"

    content = text(client.get(reverse("registration:thanks", kwargs=kwargs)))

    assert (
        f'href="{reverse("registration:calendar", kwargs=kwargs)}">Dodaj do kalendarza (.ics)</a>' in content
    )
    # A title ending in "?" reads "…?: miejsce potwierdzone" with a colon after it.
    assert "?:" not in content


def test_the_error_summary_puts_no_colon_after_a_labels_full_stop(client, edition):
    client.cookies["django_language"] = "pl"

    content = text(client.post(REGISTER, {"email": "not an address"}))

    summary = content[content.index('id="error-summary"') :].split("</ul>")[0]
    assert ".:" not in summary
    assert "danych osobowych: Aby się zarejestrować" in summary
    assert "E-mail: Wpisz poprawny adres e-mail." in summary


def test_the_management_header_and_its_venue(client, edition, visit):
    edition.venue_name = "Centrum Kultury Podgórza"
    edition.venue_address = "ul. Sokolska 13"
    edition.save()
    registration = sign_up(edition, [visit])
    kwargs = {"public_id": registration.public_id, "token": registration.manage_token}
    client.cookies["django_language"] = "pl"

    content = text(client.get(reverse("registration:manage", kwargs=kwargs)))

    lead = re.search(r'<p class="lead">(.*?)</p>', content, re.S).group(1)
    assert "·" not in lead  # on a phone it stood alone on its line
    assert lead.endswith(f"<br>{registration.email}")
    assert "Miejsce: Centrum Kultury Podgórza, ul. Sokolska 13, Kraków" in content
    assert "https://www.openstreetmap.org/search?query=ul.+Sokolska+13%2C+Krak%C3%B3w" in content


@pytest.mark.parametrize(
    ("language", "venue", "conference", "seat"),
    [
        (
            "pl",
            "Miejsce: Centrum Kultury Podgórza, ul. Sokolska 13, Kraków",
            "7. Ogólnopolska Konferencja",
            "— miejsce potwierdzone",
        ),
        (
            "en",
            "Venue: Centrum Kultury Podgórza, ul. Sokolska 13, Kraków",
            "7th National Conference",
            "— seat confirmed",
        ),
    ],
)
def test_the_confirmation_mail_says_where_with_a_map_link(
    mailoutbox, edition, visit, language, venue, conference, seat
):
    edition.venue_name = "Centrum Kultury Podgórza"
    edition.venue_address = "ul. Sokolska 13"
    edition.save()
    registration = sign_up(edition, [visit])
    Registration.objects.filter(pk=registration.pk).update(language=language)

    assert send_queued_mail() == 1

    (message,) = mailoutbox
    mail_html = message.alternatives[0][0]
    osm = "https://www.openstreetmap.org/search?query=ul.+Sokolska+13%2C+Krak%C3%B3w"
    title = visit.title_pl if language == "pl" else visit.title_en
    for body in (message.body, html.unescape(mail_html)):
        assert venue in body
        assert osm in body
        assert conference in body
        assert f"{title} {seat}" in " ".join(re.sub(r"<[^>]+>", "", body).split())
