"""The parts of a page the same for every visitor of an edition in a language
(program.templatetags.shared_parts: the layout, an item's line) are rendered once and held by the
process like the current edition: a change made here shows at once, one made by another server
within the second; each language has its own, and the language switch still links back to the
page it is on."""

import html

import pytest
from django.core.cache import cache
from django.template import Context, Template, TemplateSyntaxError
from django.templatetags.i18n import LanguageNode
from django.urls import reverse

from catering.services import CateringRequest
from program import selectors
from program.models import Edition, ProgramItem
from registration.models import Registration
from tests.factories import sign_up, sign_up_for_catering

pytestmark = pytest.mark.django_db


def page(client, name="registration:privacy") -> str:
    return client.get(reverse(name)).content.decode()


def html_of(client, url: str) -> str:
    return html.unescape(client.get(url).content.decode())


def test_an_edition_saved_here_shows_at_once(client, edition, local_clock):
    assert page(client).count(f"{edition.title} 20") == 2  # the title and the header
    edition.title, edition.contact_email = "Miejsca Wspólne", "biuro@example.org"
    edition.save()

    html = page(client)
    assert html.count("Miejsca Wspólne 20") == 2
    assert "Miejsca Wspólne." in html  # the edition's name in the footer
    assert 'href="mailto:biuro@example.org"' in html


def test_an_edition_saved_by_another_server_shows_within_the_second(client, edition, local_clock):
    page(client)
    # Another server's save: the row changes and its signal drops the shared copies and bumps the
    # version of the pages cached whole, not this process's copies.
    Edition.objects.filter(pk=edition.pk).update(title="Miejsca Wspólne")
    cache.delete(selectors.CURRENT_EDITION_CACHE_KEY)
    cache.set(selectors.PROGRAM_VERSION_CACHE_KEY, "bumped-by-another-server")
    local_clock.advance(0.9)
    assert "Miejsca Wspólne" not in page(client)
    local_clock.advance(0.2)
    assert page(client).count("Miejsca Wspólne 20") == 2


def test_each_language_has_its_own_parts(client, edition):
    client.cookies["django_language"] = "pl"
    assert "Informacja o przetwarzaniu danych osobowych" in page(client)
    client.cookies["django_language"] = "en"
    html = page(client)
    assert "Privacy information" in html
    assert "Skip to main content" in html


def test_the_language_switch_links_back_to_each_page(client, edition):
    for name in ("registration:privacy", "program:contact", "program:accessibility"):
        path = reverse(name)
        assert f'?next={path}"' in page(client, name)


def test_the_language_switch_is_rendered_once_and_fills_in_each_pages_own_path(client, edition, monkeypatch):
    rendered = []
    render = LanguageNode.render
    monkeypatch.setattr(
        LanguageNode, "render", lambda node, context: rendered.append(1) or render(node, context)
    )
    registration = sign_up(edition, [])
    manage = registration.get_manage_url()
    assert f'href="/language/en/?next={manage}"' in page_at(client, manage)
    # Not a page of the site: the path as the visitor typed it, URL-encoded.
    missing = client.get("/program/zażółć gęślą/")
    assert missing.status_code == 404
    assert 'href="/language/en/?next=/program/za%C5%BC%C3%B3%C5%82%C4%87%20g%C4%99%C5%9Bl%C4%85/"' in (
        missing.content.decode()
    )
    assert 'href="/language/en/?next=/contact/"' in page(client, "program:contact")
    assert len(rendered) == 1  # once for the language, not once a page


def test_a_part_for_the_path_takes_the_path_of_the_request_it_is_rendered_for(rf, edition):
    part = Template(
        '{% load shared_parts %}{% shared_part_for_path "test-path" %}<a href="/x?next={{ page_path }}">'
        "{% endshared_part_for_path %}"
    )
    assert part.render(Context({"request": rf.get("/a/ b/")})) == '<a href="/x?next=/a/%20b/">'
    assert part.render(Context({"request": rf.get("/c/")})) == '<a href="/x?next=/c/">'
    assert part.render(Context({})) == '<a href="/x?next=">'


def page_at(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_item_saved_here_shows_at_once_on_a_persons_page(client, edition, visit):
    registration = sign_up(edition, [visit])
    assert visit.title in html_of(client, registration.get_manage_url())
    visit.title, visit.place = "Wizyta w Nowej Hucie", "Klub Sąsiedzki"
    visit.save()

    html = html_of(client, registration.get_manage_url())
    assert "Wizyta w Nowej Hucie" in html
    assert "Klub Sąsiedzki" in html


def test_the_same_item_shows_each_person_their_own_place(client, edition, visit):
    seated = sign_up(edition, [visit])
    ProgramItem.objects.filter(pk=visit.pk).update(seats_taken=visit.capacity)
    waiting = sign_up(edition, [visit])

    client.cookies["django_language"] = "en"
    assert "seat confirmed" in html_of(client, seated.get_manage_url())
    html = html_of(client, waiting.get_manage_url())
    assert "waiting list, position 1" in html
    assert "seat confirmed" not in html
    assert html.count(visit.title) == 1


def test_a_block_inside_a_shared_part_is_refused():
    # A shared part is rendered once for every page: a page could not override a block in it.
    with pytest.raises(TemplateSyntaxError, match="the same on every page"):
        Template(
            '{% load shared_parts %}{% shared_part "x" %}{% block title %}{% endblock %}{% endshared_part %}'
        )


def test_a_part_has_its_own_copy_for_each_state_its_keys_name(client, edition, visit):
    client.cookies["django_language"] = "en"
    seated = sign_up(edition, [visit])
    awaiting = sign_up(edition, [visit])
    Registration.objects.filter(pk=awaiting.pk).update(awaiting_approval=True)
    assert "awaits the organisers' approval" not in html_of(client, seated.get_manage_url())
    assert "awaits the organisers' approval" in html_of(client, awaiting.get_manage_url())
    assert "Show the e-ticket" in html_of(client, seated.get_manage_url())


def test_the_catering_section_is_shared_only_by_people_without_a_meal(client, upcoming_edition):
    client.cookies["django_language"] = "en"
    without = sign_up_for_catering(upcoming_edition)
    with_meal = sign_up_for_catering(upcoming_edition, CateringRequest())
    assert "You have not ordered the catering." in html_of(client, without.get_manage_url())
    page = html_of(client, with_meal.get_manage_url())
    assert "You have not ordered the catering." not in page
    assert 'data-testid="transfer-details"' in page
    assert "You have not ordered the catering." in html_of(client, without.get_manage_url())
