"""Each process holds the current edition and the sign-up form's choices for LOCAL_COPY_SECONDS
(common.local_copies): a change made here shows at once, one made by another server within
that second, and no request changes what the others share."""

import pytest
from django.core.cache import cache

from attendees import selectors
from program import selectors as program_selectors
from program.models import Edition, ProgramItem
from tests.factories import sign_up

pytestmark = pytest.mark.django_db


def test_an_edition_saved_here_shows_at_once(edition, local_clock):
    assert program_selectors.current_edition().terms_version == edition.terms_version
    edition.terms_version = "2026-2"
    edition.save()
    assert program_selectors.current_edition().terms_version == "2026-2"


def test_an_edition_saved_by_another_server_shows_within_the_second(edition, local_clock):
    program_selectors.current_edition()
    # Another server's save: the row changes and its signal drops the shared copy, not this one.
    Edition.objects.filter(pk=edition.pk).update(terms_version="2026-2")
    cache.delete(program_selectors.CURRENT_EDITION_CACHE_KEY)
    local_clock.advance(0.9)
    assert program_selectors.current_edition().terms_version == edition.terms_version
    local_clock.advance(0.2)
    assert program_selectors.current_edition().terms_version == "2026-2"


def test_choices_edited_by_another_server_show_within_the_second(edition, visit, local_clock):
    selectors.sign_up_choices(edition, live_counts=False)
    ProgramItem.objects.filter(pk=visit.pk).update(title="Renamed")
    selectors.cache.delete(selectors.SIGN_UP_CHOICES_CACHE_KEY.format(edition_id=edition.pk))
    local_clock.advance(0.9)
    titles = [item.title for item in selectors.sign_up_choices(edition, live_counts=False).items]
    assert visit.title in titles
    local_clock.advance(0.2)
    titles = [item.title for item in selectors.sign_up_choices(edition, live_counts=False).items]
    assert "Renamed" in titles


def test_live_counts_leave_the_shared_copy_alone(edition, visit, local_clock):
    shared = selectors.sign_up_choices(edition, live_counts=False)
    sign_up(edition, [visit])
    live = selectors.sign_up_choices(edition)
    assert next(item for item in live.items if item.pk == visit.pk).seats_taken == 1
    assert next(item for item in shared.items if item.pk == visit.pk).seats_taken == 0
    assert selectors.sign_up_choices(edition, live_counts=False) is shared
