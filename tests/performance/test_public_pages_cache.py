"""The sign-up form as a new visitor gets it and the other public pages are served from the cache
(program.pages), like the program page: one copy per page, language and program version. A form's
copy holds slots for the visitor's CSRF token and submission key; seats, waiting lists, meals and
free tickets left show within the local-copy window, organisers' edits at once."""

import datetime as dt
import html
import re
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from attendees.selectors import SIGN_UP_CHOICES_CACHE_KEY
from catering.models import CateringOffer
from catering.services import CateringRequest, ClaimRequest
from common.local_copies import local_copies
from program import selectors
from program.models import ProgramItem
from registration import services
from registration.models import Registration
from tests.factories import question, sign_up, sign_up_for_catering

pytestmark = pytest.mark.django_db

REGISTER = "/registration/"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_FIELD = re.compile(r'name="submission_key" value="([^"]+)"')


def text(response) -> str:
    return html.unescape(response.content.decode())


def seats_of(item, page: str) -> str:
    return re.search(rf'data-seats-for="{item.pk}">(.*?)</span>', page, re.S).group(1)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def offer(upcoming_edition) -> CateringOffer:
    return CateringOffer.objects.select_related("day").get(edition=upcoming_edition)


def sign_up_form(client, *, email: str, edition) -> dict:
    """The fields a person fills in, with the token and key the page they got carries."""
    page = client.get(REGISTER).content.decode()
    return {
        "csrfmiddlewaretoken": CSRF_FIELD.search(page).group(1),
        "submission_key": KEY_FIELD.search(page).group(1),
        "first_name": "Łucja",
        "last_name": "Wąsowska",
        "email": email,
        "town": "Nowy Sącz",
        "voivodeship": "lesser_poland",
        "organisation_type": "ngo",
        "accept_terms": "on",
        "days": [edition.days.order_by("date").first().pk],
    }


# --- each visitor's own token and key ------------------------------------------------------------


def test_two_visitors_get_their_own_token_and_key_and_both_sign_up(
    upcoming_edition, django_assert_num_queries
):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(REGISTER)
    with django_assert_num_queries(0):  # the second from the cache
        second_page = second.get(REGISTER)

    for response in (first_page, second_page):
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response["Content-Language"] == "pl"
        assert set(response["Vary"].split(", ")) == {"Cookie", "Accept-Language"}
        assert response.cookies["csrftoken"].value  # the CSRF cookie is set, as before
    pages = [response.content.decode() for response in (first_page, second_page)]
    tokens = [CSRF_FIELD.search(page).group(1) for page in pages]
    keys = [KEY_FIELD.search(page).group(1) for page in pages]
    assert tokens[0] != tokens[1]
    assert keys[0] != keys[1]
    assert "slot" not in pages[1]
    # Nothing else differs: the rest of the page is the shared copy.
    first_rest, second_rest = (
        page.replace(token, "").replace(key, "") for page, token, key in zip(pages, tokens, keys, strict=True)
    )
    assert first_rest == second_rest

    for client, email in ((first, "first@example.com"), (second, "second@example.com")):
        response = client.post(REGISTER, sign_up_form(client, email=email, edition=upcoming_edition))
        assert response.status_code == 302
    assert set(Registration.objects.values_list("email", flat=True)) == {
        "first@example.com",
        "second@example.com",
    }


def test_a_token_from_another_visitors_page_is_refused(upcoming_edition):
    """The control: the CSRF check runs on these POSTs, and the token is the visitor's own."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    data = sign_up_form(first, email="first@example.com", edition=upcoming_edition)
    second.get(REGISTER)

    assert second.post(REGISTER, data).status_code == 403
    assert not Registration.objects.exists()


def test_the_link_form_gives_each_visitor_their_own_token(upcoming_edition, django_assert_num_queries):
    url = reverse("registration:resend_link")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    second.cookies["django_language"] = "en"
    first.get(url)
    with django_assert_num_queries(0):
        response = second.get(url)

    token = CSRF_FIELD.search(response.content.decode()).group(1)
    assert response.cookies["csrftoken"].value
    assert token != CSRF_FIELD.search(first.get(url).content.decode()).group(1)
    sent = second.post(url, {"csrfmiddlewaretoken": token, "email": "nobody@example.com"})
    assert sent.status_code == 200
    assert "If this address is registered" in text(sent)


@pytest.mark.parametrize(
    "name", ["registration:privacy", "program:accessibility", "program:contact", "registration:seats"]
)
def test_pages_without_a_form_are_the_same_bytes_for_everyone_and_set_no_cookie(
    client, upcoming_edition, name
):
    first = client.get(reverse(name))
    second = Client().get(reverse(name))

    assert second.content == first.content
    assert not second.cookies
    assert "csrfmiddlewaretoken" not in second.content.decode()


def test_messages_are_not_kept_in_the_shared_copy(client, upcoming_edition, visit):
    """A message waiting for a visitor is not shown on a shared page (nor to the next visitor):
    it waits for the next page rendered for them, like the program page's."""
    registration = sign_up(upcoming_edition, [visit])
    client.cookies["django_language"] = "en"
    client.post(reverse("registration:cancel", args=[registration.public_id, registration.manage_token]))

    assert "has been cancelled" not in text(client.get(REGISTER))
    assert "has been cancelled" not in text(Client().get(REGISTER))
    assert "Your registration has been cancelled." in text(client.get(registration.get_manage_url()))


def test_a_form_sent_back_with_errors_is_the_visitors_own(english, upcoming_edition):
    data = sign_up_form(english, email="lucja@example.com", edition=upcoming_edition)
    data["accept_terms"] = ""

    refused = english.post(REGISTER, data)

    assert refused.status_code == 400
    assert "Wąsowska" in text(refused)
    assert "Wąsowska" not in text(Client().get(REGISTER))


# --- live within the local-copy window ------------------------------------------------------------


def test_a_seat_taken_and_freed_shows_on_the_form_and_in_the_seats(
    english, upcoming_edition, visit, django_capture_on_commit_callbacks, local_clock
):
    assert "20 seats left" in seats_of(visit, text(english.get(REGISTER)))
    english.get(reverse("registration:seats"))

    with django_capture_on_commit_callbacks(execute=True):  # bumped at commit
        registration = sign_up(upcoming_edition, [visit])
    local_clock.window_passes()
    assert "19 seats left" in seats_of(visit, text(english.get(REGISTER)))
    assert english.get(reverse("registration:seats")).json()[str(visit.pk)] == {"left": 19, "waiting": 0}

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration)
    local_clock.window_passes()
    assert "20 seats left" in seats_of(visit, text(english.get(REGISTER)))
    assert english.get(reverse("registration:seats")).json()[str(visit.pk)] == {"left": 20, "waiting": 0}


def test_a_place_on_a_waiting_list_shows_on_the_form_and_in_the_seats(
    english, upcoming_edition, visit, django_capture_on_commit_callbacks, local_clock
):
    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=visit.capacity)
    selectors.bump_program_version()
    assert "(1 person waiting)" not in seats_of(visit, text(english.get(REGISTER)))
    english.get(reverse("registration:seats"))

    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(upcoming_edition, [visit])
    local_clock.window_passes()
    assert "(1 person waiting)" in seats_of(visit, text(english.get(REGISTER)))
    assert english.get(reverse("registration:seats")).json()[str(visit.pk)] == {"left": 0, "waiting": 1}

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_change_items(registration=registration, item_ids=[])  # leaves the list
    local_clock.window_passes()
    assert "waiting" not in seats_of(visit, text(english.get(REGISTER))).split("list")[1]
    assert english.get(reverse("registration:seats")).json()[str(visit.pk)] == {"left": 0, "waiting": 0}


def test_the_last_paid_meal_sold_shows_on_the_form(
    english, upcoming_edition, offer, django_capture_on_commit_callbacks, local_clock
):
    CateringOffer.objects.filter(pk=offer.pk).update(capacity=offer.free_ticket_quota + 1)
    selectors.bump_program_version()
    assert "Paid catering: sold out" not in text(english.get(REGISTER))

    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up_for_catering(upcoming_edition, CateringRequest())
    local_clock.window_passes()
    assert "Paid catering: sold out" in text(english.get(REGISTER))

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration)
    local_clock.window_passes()
    assert "Paid catering: sold out" not in text(english.get(REGISTER))


def test_the_last_free_ticket_taken_shows_on_the_form(
    english, upcoming_edition, offer, django_capture_on_commit_callbacks, local_clock
):
    CateringOffer.objects.filter(pk=offer.pk).update(free_ticket_quota=1)
    selectors.bump_program_version()
    assert "none left" not in text(english.get(REGISTER))

    claim = CateringRequest(claim=ClaimRequest(basis="resident", town="Wieliczka"))
    with django_capture_on_commit_callbacks(execute=True):
        sign_up_for_catering(upcoming_edition, claim)
    local_clock.window_passes()
    assert "A free ticket for Małopolska: none left" in text(english.get(REGISTER))

    with django_capture_on_commit_callbacks(execute=True):
        sign_up_for_catering(upcoming_edition, claim)
    local_clock.window_passes()
    assert "none left — join the waiting list (1 person waiting)" in text(english.get(REGISTER))


def test_a_count_changed_without_a_bump_stays_stale(english, upcoming_edition, visit, offer):
    """The control: the copy is served from the cache, so the counts the tests above see come
    from the bumps, not from a page rendered anew on every request."""
    english.get(REGISTER)
    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=5)
    CateringOffer.objects.filter(pk=offer.pk).update(paid_taken=offer.capacity - offer.free_ticket_quota)

    page = text(english.get(REGISTER))
    assert "20 seats left" in seats_of(visit, page)
    assert "Paid catering: sold out" not in page

    selectors.bump_program_version()
    page = text(english.get(REGISTER))
    assert "15 seats left" in seats_of(visit, page)
    assert "Paid catering: sold out" in page


def test_another_servers_change_shows_within_a_second(english, upcoming_edition, visit, local_clock):
    """A bump or an edit on another server reaches the shared cache, not this process's copies:
    it shows here once LOCAL_COPY_SECONDS have passed, and not a request earlier."""
    assert "20 seats left" in seats_of(visit, text(english.get(REGISTER)))

    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=5, title_en="A visit renamed")
    cache.clear()  # what the other server's bump and its organiser's save do to the shared cache
    local_clock.advance(0.9)
    assert "20 seats left" in seats_of(visit, text(english.get(REGISTER)))

    local_clock.advance(0.2)
    page = text(english.get(REGISTER))
    assert "15 seats left" in seats_of(visit, page)
    assert "A visit renamed" in page


# --- what organisers edit, at once ----------------------------------------------------------------


def test_an_item_edit_shows_at_once(english, upcoming_edition, visit):
    english.get(REGISTER)
    english.get(reverse("program:ics"))

    visit.title_en = "A visit renamed"
    visit.save()

    assert "A visit renamed" in text(english.get(REGISTER))
    assert "A visit renamed" in english.get(reverse("program:ics")).content.decode()


def test_an_offer_edit_shows_at_once(english, upcoming_edition, offer):
    english.get(REGISTER)

    offer.price = 99
    offer.save()

    assert "Catering, 99.00 zł gross" in text(english.get(REGISTER))


def test_a_question_added_or_changed_shows_at_once(english, upcoming_edition):
    english.get(REGISTER)

    sizes = [("Mały", "Small"), ("Duży", "Large")]
    asked = question(upcoming_edition, "single_choice", sizes, text_en="Your size?")
    assert "Your size?" in text(english.get(REGISTER))

    choice = asked.choices.first()
    choice.label_en = "Tiny"
    choice.save()
    assert "Tiny" in text(english.get(REGISTER))


def test_an_edition_edit_shows_on_the_legal_pages_at_once(english, upcoming_edition):
    pages = [reverse(name) for name in ("registration:privacy", "program:accessibility", "program:contact")]
    for url in pages:
        english.get(url)

    upcoming_edition.controller_name = "Fundacja Nowa Nazwa"
    upcoming_edition.save()

    for url in pages:
        assert "Fundacja Nowa Nazwa" in text(english.get(url))


def test_registration_closing_shows_without_any_edit(english, upcoming_edition):
    """What the form shows changes with the clock too: each phase has its own copy."""
    assert "Registration is closed." not in text(english.get(REGISTER))

    closed = upcoming_edition.registration_closes_at + dt.timedelta(seconds=1)
    newcomer = Client()
    newcomer.cookies["django_language"] = "en"
    with mock.patch("django.utils.timezone.now", return_value=closed):
        response = newcomer.get(REGISTER)
    assert "Registration is closed." in text(response)
    assert not response.cookies  # no form: no CSRF cookie, as before


# --- one copy per language, and per address for the calendar --------------------------------------


@pytest.mark.parametrize(
    ("name", "polish", "english_text"),
    [
        ("registration:register", "Zapisy", "Registration"),
        ("registration:resend_link", "Wyślij mi link ponownie", "Send me my link again"),
        ("registration:privacy", "Informacja o przetwarzaniu danych", "Privacy information"),
        ("program:accessibility", "Deklaracja dostępności", "Accessibility statement"),
        ("program:contact", "Kontakt", "Contact"),
    ],
)
def test_each_language_has_its_own_copy(client, upcoming_edition, name, polish, english_text):
    client.cookies["django_language"] = "pl"
    assert f"<h1>{polish}" in text(client.get(reverse(name)))
    client.cookies["django_language"] = "en"
    response = client.get(reverse(name))
    assert f"<h1>{english_text}" in text(response)
    assert response["Content-Language"] == "en"


def test_the_calendar_has_a_copy_per_language_and_address(client, upcoming_edition, visit, settings):
    settings.ALLOWED_HOSTS = ["testserver", "example.org"]
    url = reverse("program:ics")
    client.cookies["django_language"] = "en"
    english = client.get(url)
    client.cookies["django_language"] = "pl"
    polish = client.get(url)
    elsewhere = client.get(url, HTTP_HOST="example.org")

    assert english["Content-Type"] == "text/calendar; charset=utf-8"
    filename = f"miejsca-otwarte-{upcoming_edition.number}.ics"
    assert english["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert visit.title_en in english.content.decode().replace("\r\n ", "")
    assert visit.title_pl in polish.content.decode().replace("\r\n ", "")
    assert "http://testserver/program/" in polish.content.decode()
    assert "http://example.org/program/" in elsewhere.content.decode()


def test_an_edit_on_another_server_shows_though_this_process_read_the_choices_later(
    english, upcoming_edition, offer, local_clock
):
    """The form's copy is named by the version of the choices it was rendered from: a process
    whose choices are younger than its page (read for another page meanwhile) renders a copy of
    the old choices after another server's edit, under the new program version; once its choices
    are read again, the form is rendered again, not served from that copy."""
    choices_key = SIGN_UP_CHOICES_CACHE_KEY.format(edition_id=upcoming_edition.pk)
    english.get(REGISTER)
    local_clock.advance(0.5)
    local_copies.forget(choices_key)
    english.get(reverse("registration:seats"))  # this process reads the choices again

    # Another server's edit: what its signals do to the shared cache (not to this process).
    CateringOffer.objects.filter(pk=offer.pk).update(price=99)
    cache.delete(choices_key)
    cache.set(selectors.PROGRAM_VERSION_CACHE_KEY, "bumped-by-another-server")
    local_clock.advance(0.6)
    assert "Catering, 99.00 zł gross" not in text(english.get(REGISTER))  # the choices it holds

    local_clock.advance(0.5)
    assert "Catering, 99.00 zł gross" in text(english.get(REGISTER))


@pytest.mark.parametrize("saved", ["item", "offer"])
def test_organisers_saves_drop_the_cached_copies_again_at_commit(
    upcoming_edition, visit, offer, saved, django_capture_on_commit_callbacks
):
    """A request between the save and the commit reads the rows as they were and caches them: the
    commit drops what it cached, the form's choices and the pages' program version."""
    choices_key = SIGN_UP_CHOICES_CACHE_KEY.format(edition_id=upcoming_edition.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        (visit if saved == "item" else offer).save()
        cache.set(choices_key, "read before the commit")
        cache.set(selectors.PROGRAM_VERSION_CACHE_KEY, "rendered before the commit")
    for callback in callbacks:
        callback()

    assert cache.get(choices_key) is None
    if saved == "item":
        assert cache.get(selectors.PROGRAM_VERSION_CACHE_KEY) != "rendered before the commit"
