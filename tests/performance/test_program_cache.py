"""The program listing is cached per edition and language; seats, items and hosts invalidate it."""

import gzip
import html

import pytest
from django.core.cache import cache
from django.urls import reverse
from model_bakery import baker

from common.local_copies import local_copies
from program import selectors
from program.models import EditionRole, Organisation, ProgramItem
from registration import services
from registration.models import Registration
from tests.factories import sign_up

pytestmark = pytest.mark.django_db


def program_page(client) -> str:
    return html.unescape(client.get(reverse("program:program")).content.decode())


def test_a_sign_up_shows_within_the_window(
    client, upcoming_edition, visit, django_capture_on_commit_callbacks, local_clock
):
    """Seats change the version at commit, but this process keeps serving its copy for the window
    (as every other process does): in a rush each page is rendered once per window, not after
    every sign-up."""
    client.cookies["django_language"] = "en"
    assert "20 seats left of 20" in program_page(client)

    with django_capture_on_commit_callbacks(execute=True):  # the version is bumped after commit
        sign_up(upcoming_edition, [visit])
    assert "20 seats left of 20" in program_page(client)
    local_clock.window_passes()

    assert "19 seats left of 20" in program_page(client)


def test_a_place_on_a_waiting_list_shows_within_the_window(
    client, upcoming_edition, visit, django_capture_on_commit_callbacks, local_clock
):
    """A full item says how many people wait for it, on the program and on its page: joining or
    leaving its waiting list makes the cached pages stale, as a seat does."""
    client.cookies["django_language"] = "en"
    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=visit.capacity)
    selectors.bump_program_version()
    assert "(1 person waiting)" not in program_page(client)
    assert "No seats left — join the waiting list." in page(client, visit.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(upcoming_edition, [visit])
    local_clock.window_passes()

    assert registration.bookings.get().waitlist_position == 1
    assert "No seats left — join the waiting list (1 person waiting)" in program_page(client)
    assert "(1 person waiting)." in page(client, visit.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration)
    local_clock.window_passes()

    assert "(1 person waiting)" not in program_page(client)
    assert "No seats left — join the waiting list." in page(client, visit.get_absolute_url())


def test_in_a_rush_the_processes_share_one_rendering_per_window(
    client,
    upcoming_edition,
    visit,
    django_capture_on_commit_callbacks,
    local_clock,
    django_assert_num_queries,
):
    """After a seat is taken, another process asking within the window takes the copy this one
    made (no rendering, no query) instead of rendering the page again itself; once the copy is a
    window old, the next process to ask renders it with the new count."""
    client.cookies["django_language"] = "en"
    assert "20 seats left of 20" in program_page(client)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(upcoming_edition, [visit])

    local_clock.advance(0.6)
    local_copies.clear()  # another process
    with django_assert_num_queries(0):
        assert "20 seats left of 20" in program_page(client)

    local_clock.advance(0.5)  # the copy is 1.1 s old: the same process, its copy taken 0.5 s ago
    assert "19 seats left of 20" in program_page(client)


def test_a_copy_taken_on_its_age_is_kept_only_for_the_rest_of_the_window(
    client, upcoming_edition, visit, local_clock
):
    """The control of the test above: a process that took a 0.6 s old copy keeps it 0.4 s more,
    not a whole window, so a count is never older than the window on any process."""
    client.cookies["django_language"] = "en"
    program_page(client)
    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=5)
    selectors.counts_changed()  # another server's sign-up
    local_clock.advance(0.6)
    local_copies.clear()
    assert "20 seats left of 20" in program_page(client)

    local_clock.advance(0.3)
    assert "20 seats left of 20" in program_page(client)
    local_clock.advance(0.2)
    assert "15 seats left of 20" in program_page(client)


def test_a_cancellation_shows_at_once(client, upcoming_edition, visit, django_capture_on_commit_callbacks):
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(upcoming_edition, [visit])
    assert "19 seats left of 20" in program_page(client)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=Registration.objects.get())

    assert "20 seats left of 20" in program_page(client)


@pytest.mark.parametrize("change", ["capacity", "promotion"])
def test_organisers_seat_changes_make_the_page_stale_at_commit(
    upcoming_edition, visit, change, django_capture_on_commit_callbacks
):
    """The item's save bumps the version at once, before the commit: a page rendered in between
    from the old rows would stay cached under the new version without a second bump at commit."""
    sign_up(upcoming_edition, [visit])
    ProgramItem.objects.filter(pk=visit.pk).update(capacity=1)
    sign_up(upcoming_edition, [visit])  # waits
    visit.refresh_from_db()
    with django_capture_on_commit_callbacks() as callbacks:
        if change == "capacity":
            services.item_set_capacity(item=visit, capacity=30)
        else:
            ProgramItem.objects.filter(pk=visit.pk).update(capacity=2)
            services.waitlist_promote_next(item=visit)
    assert selectors.bump_program_version in callbacks


def test_item_and_host_edits_show_at_once(client, upcoming_edition, visit):
    program_page(client)
    visit.title = "Wizyta zmieniona"
    visit.save()
    assert "Wizyta zmieniona" in program_page(client)

    visit.hosts.add(baker.make(Organisation, name="Nowy Gospodarz"))
    assert "Nowy Gospodarz" in program_page(client)


def test_each_language_has_its_own_copy(client, upcoming_edition):
    client.cookies["django_language"] = "pl"
    polish = program_page(client)
    client.cookies["django_language"] = "en"
    english = program_page(client)

    assert "Dzień 1" in polish
    assert "Day 1" in english


def test_the_cached_page_holds_nothing_of_a_visitor(client, upcoming_edition):
    first = program_page(client)
    other = type(client)()

    page = program_page(other)

    # The whole page is shared: no CSRF token (the language switch is a link), the same bytes.
    assert page.count("csrfmiddlewaretoken") == 0
    assert page == first


def test_the_copy_is_kept_as_the_bytes_the_response_sends(client, upcoming_edition):
    """Encoding the page anew for each request cost more than the rest of serving it."""
    client.cookies["django_language"] = "pl"
    sent = client.get(reverse("program:program")).content

    plain, _ = selectors.cached_page("program", "pl", lambda: pytest.fail("rendered again"))

    assert type(plain) is bytes
    assert plain == sent


def test_a_browser_that_accepts_gzip_gets_the_compressed_copy(client, upcoming_edition):
    plain = client.get(reverse("program:program"))
    compressed = client.get(reverse("program:program"), headers={"accept-encoding": "gzip, deflate, br"})

    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 4
    assert "Content-Encoding" not in plain
    for response in (plain, compressed):  # a shared cache in between keeps the two apart
        assert "Accept-Encoding" in response["Vary"]


def test_a_page_with_the_visitors_token_is_not_compressed(client, upcoming_edition):
    """The sign-up form carries the visitor's CSRF token: compressed it would be per request."""
    response = client.get(reverse("registration:register"), headers={"accept-encoding": "gzip"})

    assert "Content-Encoding" not in response
    assert b"csrfmiddlewaretoken" in response.content


def test_each_process_rechecks_its_own_copy_within_a_second(client, upcoming_edition, visit, local_clock):
    """Another server's change (its bump reaches the shared cache, not this process's copy) shows
    here once LOCAL_COPY_SECONDS have passed, and not a request earlier."""
    client.cookies["django_language"] = "en"
    assert "20 seats left of 20" in program_page(client)

    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=5)
    cache.set(selectors.PROGRAM_VERSION_CACHE_KEY, "bumped-by-another-server")
    local_clock.advance(0.9)
    assert "20 seats left of 20" in program_page(client)

    local_clock.advance(0.2)
    assert "15 seats left of 20" in program_page(client)


# Home and item pages: the same mechanism, one copy per page and language.


def page(client, url: str) -> str:
    return html.unescape(client.get(url).content.decode())


def test_a_seat_taken_or_freed_shows_on_the_item_page(
    client, upcoming_edition, visit, django_capture_on_commit_callbacks, local_clock
):
    client.cookies["django_language"] = "en"
    assert "20 seats left." in page(client, visit.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(upcoming_edition, [visit])
    local_clock.window_passes()
    assert "19 seats left." in page(client, visit.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=registration)
    local_clock.window_passes()
    assert "20 seats left." in page(client, visit.get_absolute_url())


def test_another_servers_seat_shows_on_the_item_page_within_a_second(
    client, upcoming_edition, visit, local_clock
):
    client.cookies["django_language"] = "en"
    assert "20 seats left." in page(client, visit.get_absolute_url())

    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=5)
    cache.set(selectors.PROGRAM_VERSION_CACHE_KEY, "bumped-by-another-server")
    local_clock.advance(0.9)
    assert "20 seats left." in page(client, visit.get_absolute_url())
    local_clock.advance(0.2)
    assert "15 seats left." in page(client, visit.get_absolute_url())


def test_organisers_edits_show_on_the_item_page(client, upcoming_edition, visit):
    other = upcoming_edition.items.exclude(pk=visit.pk).first()
    page(client, visit.get_absolute_url())
    page(client, other.get_absolute_url())

    visit.title_pl = "Wizyta zmieniona"
    visit.save()
    visit.hosts.add(baker.make(Organisation, name="Nowy Gospodarz"))

    client.cookies["django_language"] = "pl"
    changed = page(client, visit.get_absolute_url())
    assert "Wizyta zmieniona" in changed
    assert "Nowy Gospodarz" in changed


def test_organisers_edits_show_on_the_home_page(client, upcoming_edition):
    client.cookies["django_language"] = "pl"
    page(client, reverse("program:home"))

    upcoming_edition.intro_pl = "Nowy wstęp do konferencji."
    upcoming_edition.save()
    assert "Nowy wstęp do konferencji." in page(client, reverse("program:home"))

    upcoming_edition.links.create(url="https://example.com/nowy", label_pl="Nowy odnośnik")
    assert "Nowy odnośnik" in page(client, reverse("program:home"))

    upcoming_edition.roles.create(
        organisation=baker.make(Organisation, name="Nowy Partner"), role=EditionRole.Role.MEDIA_PARTNER
    )
    assert "Nowy Partner" in page(client, reverse("program:home"))


@pytest.mark.parametrize("url", ["program:home", "program:item"])
def test_home_and_item_pages_hold_nothing_of_a_visitor(client, upcoming_edition, visit, url):
    path = visit.get_absolute_url() if url == "program:item" else reverse(url)
    first = page(client, path)
    assert page(type(client)(), path) == first
    assert first.count("csrfmiddlewaretoken") == 0


def test_each_item_and_language_has_its_own_copy(client, upcoming_edition, visit):
    other = upcoming_edition.items.exclude(pk=visit.pk).first()
    client.cookies["django_language"] = "en"
    assert visit.title_en in page(client, visit.get_absolute_url())
    assert other.title_en in page(client, other.get_absolute_url())
    client.cookies["django_language"] = "pl"
    assert visit.title_pl in page(client, visit.get_absolute_url())


def test_an_unknown_item_is_not_found_and_nothing_is_kept(client, upcoming_edition):
    assert client.get(reverse("program:item", kwargs={"slug": "nie-ma"})).status_code == 404
    assert cache.get(selectors._page_key("item:nie-ma", "pl")) is None
