"""Reads of the program, shaped for the pages that show them."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar
from uuid import uuid4

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import get_language

from common.local_copies import local_copies, shared_time

from .models import ConferenceDay, Edition, EditionRole, Organisation, ProgramItem

CURRENT_EDITION_CACHE_KEY = "program:current-edition"
PROGRAM_VERSION_CACHE_KEY = "program:version"  # the organisers' edits
COUNTS_VERSION_CACHE_KEY = "program:counts-version"  # seats, waiting places, meals, free tickets
# Bounds how stale a worker's copy can be when the cache is per process (locmem): a bump in one
# worker is not seen by the others. With a shared cache (CACHE_URL=rediscache://…) it is immediate.
PROGRAM_CACHE_TIMEOUT = 30


def current_edition() -> Edition | None:
    """The edition the public site shows, with its days. Cached, and held by each process for a
    second: every page needs it, it rarely changes (program.signals drops both copies whenever an
    edition or a day is saved). Shared by requests: read-only."""
    return local_copies.get(CURRENT_EDITION_CACHE_KEY, _shared_current_edition)


def _shared_current_edition() -> Edition | None:
    edition = cache.get(CURRENT_EDITION_CACHE_KEY)
    if edition is None:
        edition = Edition.objects.prefetch_related("days").current()
        if edition is not None:
            cache.set(CURRENT_EDITION_CACHE_KEY, edition, timeout=60)
    return edition


def forget_current_edition() -> None:
    cache.delete(CURRENT_EDITION_CACHE_KEY)
    local_copies.forget(CURRENT_EDITION_CACHE_KEY)


def current_edition_or_404() -> Edition:
    edition = current_edition()
    if edition is None:
        raise Http404("No current edition")
    return edition


def items_with_hosts(edition: Edition):
    return (
        ProgramItem.objects.filter(edition=edition)
        .prefetch_related(Prefetch("hosts", queryset=Organisation.objects.order_by("name")))
        .order_by("starts_at", "ends_at", "id")
    )


@dataclass
class TimeSlot:
    """Items that start at the same time are shown side by side."""

    starts_at: object
    items: list[ProgramItem] = field(default_factory=list)


@dataclass
class ProgramDay:
    date: date
    day: ConferenceDay | None
    slots: list[TimeSlot] = field(default_factory=list)


def program_by_day(edition: Edition) -> list[ProgramDay]:
    """The whole program grouped by day and start time, in two queries (items, hosts), however
    many items there are; the days come with the current edition."""
    days = {d.date: d for d in edition.days.all()}
    result: list[ProgramDay] = []
    for item in items_with_hosts(edition):
        if not result or result[-1].date != item.day:
            result.append(ProgramDay(date=item.day, day=days.get(item.day)))
        slots = result[-1].slots
        if not slots or slots[-1].starts_at != item.starts_at:
            slots.append(TimeSlot(starts_at=item.starts_at))
        slots[-1].items.append(item)
    return result


def roles_by_kind(edition: Edition) -> dict[str, list[EditionRole]]:
    grouped: dict[str, list[EditionRole]] = {}
    for role in EditionRole.objects.filter(edition=edition).select_related("organisation"):
        grouped.setdefault(role.role, []).append(role)
    return grouped


def funders_line(edition: Edition) -> str:
    """What the funders ask to be printed: their note (e.g. the programme), else their name; in the
    active language (the note is translated). The printouts and certificates carry it."""
    funders = EditionRole.objects.filter(edition=edition, role=EditionRole.Role.FUNDER).select_related(
        "organisation"
    )
    return " ".join(role.note or role.organisation.name for role in funders)


def organisers(edition: Edition) -> list[str]:
    """The names of the main organiser, then the co-organisers, in the edition's order."""
    roles = EditionRole.objects.filter(
        edition=edition, role__in=[EditionRole.Role.MAIN_ORGANISER, EditionRole.Role.CO_ORGANISER]
    ).select_related("organisation")
    main_first = sorted(roles, key=lambda role: role.role != EditionRole.Role.MAIN_ORGANISER)
    return [role.organisation.name for role in main_first]


# The copies changed form with #18 (text before; now the bytes a response sends, with the
# versions they were made from): a new prefix, so that no copy of the old form is ever read.
PAGE_KEY_PREFIX = "program:pages:"
Page = TypeVar("Page")


def _page_key(page: str, language: str) -> str:
    return f"{PAGE_KEY_PREFIX}{page}:{language}"


def bump_program_version() -> str:
    """Make every cached public page stale (program, home, each item, the sign-up form, …) and
    forget this process's copies: an organiser's edit shows at once. Called by program.signals when
    the edition, its days, links, roles, organisations, items or hosts are saved."""
    version = _new_version(PROGRAM_VERSION_CACHE_KEY)
    local_copies.forget_prefix(PAGE_KEY_PREFIX)
    return version


def counts_changed() -> str:
    """Seats, waiting lists, meals or free tickets changed (registration.services and
    catering.services call it at commit: their counters are saved with update(), which sends no
    signal): every cached public page shows the new counts within LOCAL_COPY_SECONDS on every
    process, this one included (`cached_page`). In a rush, where counts change with every sign-up,
    each page is then rendered about once per window for all the processes together."""
    return _new_version(COUNTS_VERSION_CACHE_KEY)


def _new_version(key: str) -> str:
    version = uuid4().hex
    cache.set(key, version, timeout=None)
    return version


@dataclass(frozen=True)
class _PageCopy:
    program_version: str
    counts_version: str | None
    made_at: float  # shared_time() when its rendering began
    content: object


def cached_page(page: str, language: str, render: Callable[[], Page]) -> Page:
    """A public page (`page` names it: "program", "home", "item:<slug>", …) as `render()` makes
    it (the bytes the response sends), shared by every visitor and every process, one cache
    round trip per request. The copy is stored with the versions it was made from. A save of the
    edition, a day, link, role, organisation, item or host (bump_program_version) makes it stale
    at once. After a change of the counts (counts_changed) it is served until it is
    LOCAL_COPY_SECONDS old, then rendered again by the first process that asks: counts show
    within that window, and a rush of sign-ups costs one rendering per window, not one per
    process. What `render` raises (a 404) is not kept.

    Each process also keeps the page it served for what is left of LOCAL_COPY_SECONDS: the
    busiest pages then cost no round trip to Redis at all. Its own edits drop its copies at once."""
    page_key = _page_key(page, language)
    return local_copies.get_aged(page_key, lambda: _shared_page(page_key, render))


def _shared_page(page_key: str, render: Callable[[], Page]) -> tuple[Page, float]:
    """The page and how old its counts may be: 0 for a copy of the current versions."""
    found = cache.get_many([PROGRAM_VERSION_CACHE_KEY, COUNTS_VERSION_CACHE_KEY, page_key])
    program, counts = found.get(PROGRAM_VERSION_CACHE_KEY), found.get(COUNTS_VERSION_CACHE_KEY)
    copy = found.get(page_key)
    if program is not None and isinstance(copy, _PageCopy) and copy.program_version == program:
        if copy.counts_version == counts:
            return copy.content, 0.0
        age = shared_time() - copy.made_at
        if 0 <= age < settings.LOCAL_COPY_SECONDS:
            return copy.content, age
    # Read before rendering: a change while we render leaves this copy stale, never a stale copy
    # current, and its age counts from before the counts were read.
    program, made_at = program or bump_program_version(), shared_time()
    content = render()
    cache.set(page_key, _PageCopy(program, counts, made_at, content), timeout=PROGRAM_CACHE_TIMEOUT)
    return content, 0.0


def shared_part_html(name: str, edition: Edition | None, render: Callable[[], str]) -> str:
    """A part of a page that shows nothing but the edition, what `name` names (the layout's
    header, an item's line) and the active language, as `render()` makes it, held by this process
    like the public pages: forgotten with them by `bump_program_version` (every save of the edition,
    its days and items calls it), and at most LOCAL_COPY_SECONDS old otherwise, like the current
    edition itself. Every page not cached whole renders the layout: this way it costs a lookup."""
    if edition and edition.pk is None:  # an edition not saved has nothing to name its copy by
        return render()
    key = f"{PAGE_KEY_PREFIX}part:{name}:{get_language()}:{edition.pk if edition else None}"
    return local_copies.get(key, render)
