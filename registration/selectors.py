"""Reads about the people of a program item, for the organisers' pages and for the services that
change the item (`item_change`, `item_cancel` call them after their locks)."""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings

from program.models import Organisation, ProgramItem

from .models import Booking, Registration


@dataclass(frozen=True)
class Affected:
    """The people who hold a seat or a place on the waiting list of an item, in list order."""

    seated: list[Booking]
    waiting: list[Booking]

    def __len__(self) -> int:
        return len(self.seated) + len(self.waiting)

    @property
    def bookings(self) -> list[Booking]:
        return self.seated + self.waiting


def item_affected(*, item: ProgramItem) -> Affected:
    """Who an item's change or cancellation concerns, with their registrations (one query)."""
    bookings = (
        Booking.objects.filter(item_id=item.pk)
        .select_related("registration")
        .order_by("waitlist_position", "registration__last_name", "registration__first_name", "pk")
    )
    return affected_from(bookings)


def affected_from(bookings: Iterable[Booking]) -> Affected:
    bookings = list(bookings)
    return Affected(
        seated=[booking for booking in bookings if booking.is_confirmed],
        waiting=[booking for booking in bookings if not booking.is_confirmed],
    )


@dataclass(frozen=True)
class Clash:
    """A person of the item who holds another item that overlaps the item's new time."""

    registration: Registration
    other: Booking


def item_change_clashes(
    *, item: ProgramItem, starts_at: dt.datetime, ends_at: dt.datetime, affected: Affected | None = None
) -> list[Clash]:
    """The people of `item` (seat or waiting place: a promotion must never create a clash) who
    hold another item, seat or waiting place, overlapping `starts_at`–`ends_at`. The rule is the
    sign-up's (`ProgramItem.overlaps`)."""
    affected = affected if affected is not None else item_affected(item=item)
    people = {booking.registration_id: booking.registration for booking in affected.bookings}
    moved = ProgramItem(pk=item.pk, starts_at=starts_at, ends_at=ends_at)
    others = (
        Booking.objects.filter(registration_id__in=people)
        .exclude(item_id=item.pk)
        .select_related("item")
        .order_by("registration_id", "item__starts_at")
    )
    return [
        Clash(registration=people[other.registration_id], other=other)
        for other in others
        if moved.overlaps(other.item)
    ]


def item_changes(
    *,
    item: ProgramItem,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: Mapping[str, str],
    address: str,
    hosts: Collection[Organisation],
) -> dict:
    """What changes for the item's people, old and new, JSON-safe (it goes into the notices):
    "time" [[start, end], [start, end]] in ISO format, "place" [{language: text}, …] (the place is
    written in each language), "address" [old, new], "hosts" [[names], [names]]. Empty when
    nothing people care about changes (a new title or description needs no notice)."""
    changes = {}
    old_time = [item.starts_at.isoformat(), item.ends_at.isoformat()]
    new_time = [starts_at.isoformat(), ends_at.isoformat()]
    if (item.starts_at, item.ends_at) != (starts_at, ends_at):
        changes["time"] = [old_time, new_time]
    old_place = {code: getattr(item, f"place_{code}") or "" for code, _name in settings.LANGUAGES}
    new_place = {code: (place.get(code) or "").strip() for code in old_place}
    if old_place != new_place:
        changes["place"] = [old_place, new_place]
    if item.address != address.strip():
        changes["address"] = [item.address, address.strip()]
    old_hosts = sorted(item.hosts.all(), key=lambda host: host.name)
    new_hosts = sorted(hosts, key=lambda host: host.name)
    if {host.pk for host in old_hosts} != {host.pk for host in new_hosts}:
        changes["hosts"] = [[host.name for host in old_hosts], [host.name for host in new_hosts]]
    return changes


def place_in(place: Mapping[str, str], language: str) -> str:
    """The place as a visitor reading `language` sees it: empty falls back to the default
    language, as the program pages do (modeltranslation)."""
    return place.get(language) or place.get(settings.MODELTRANSLATION_DEFAULT_LANGUAGE) or ""


def changes_concern(changes: Mapping, language: str) -> bool:
    """Whether `item_changes` changes anything a person reading `language` sees (a place
    corrected only in the other language does not)."""
    if changes.keys() - {"place"}:
        return True
    if "place" in changes:
        old, new = changes["place"]
        return place_in(old, language) != place_in(new, language)
    return False
