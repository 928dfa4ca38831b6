"""iCalendar files: the whole program, or one person's days and items."""

import datetime as dt
import re
from collections.abc import Iterable
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from .models import ConferenceDay, Edition, ProgramItem

# "9:00–17:00", "9.00 - 17.00", "od 9:00 do 17:30", "9–17": a start and an end hour, minutes optional.
HOURS = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(?:[-–—]|do|to)\s*(\d{1,2})(?:[:.](\d{2}))?")
# SEQUENCE counts seconds from here (a 32-bit number until 2088): it grows whenever LAST-MODIFIED
# does, as calendar apps expect of an event that changed.
SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
# A plain link to a search on OpenStreetMap: no map embedded, nothing loaded from a third party.
MAP_SEARCH_URL = "https://www.openstreetmap.org/search?"


def calendar_for_items(edition: Edition, items: Iterable[ProgramItem], base_url: str) -> bytes:
    """The program feed: every item, with its hosts prefetched."""
    calendar = _calendar(edition)
    for item in items:
        calendar.add_component(_item_event(edition, item, base_url))
    return calendar.to_ical()


def calendar_for_person(
    *,
    edition: Edition,
    days: Iterable[ConferenceDay],
    items: Iterable[ProgramItem],
    base_url: str,
) -> bytes:
    """A person's calendar: one event per day they come on, at the venue, and one per item (their
    confirmed ones, hosts prefetched). The UIDs belong to the day or the item, never the person,
    so importing the file again replaces the events; LAST-MODIFIED and SEQUENCE follow the
    organisers' edits, so calendar apps take the new times and places."""
    calendar = _calendar(edition)
    calendar.add("method", "PUBLISH")
    for day in days:
        calendar.add_component(_day_event(edition, day, base_url))
    for item in items:
        calendar.add_component(_item_event(edition, item, base_url))
    return calendar.to_ical()


def day_hours(day: ConferenceDay) -> tuple[dt.datetime, dt.datetime] | None:
    """The day's start and end from its free-text hours, or None when they do not read as two
    times of the day with the end after the start."""
    match = HOURS.search(day.hours)
    if match is None:
        return None
    start_hour, start_minute, end_hour, end_minute = (int(part or 0) for part in match.groups())
    try:
        start, end = dt.time(start_hour, start_minute), dt.time(end_hour, end_minute)
    except ValueError:  # 25:00, 9:75
        return None
    if end <= start:
        return None
    # In UTC, as the items are: a file without time zone definitions reads the same everywhere.
    return tuple(
        timezone.make_aware(dt.datetime.combine(day.date, time)).astimezone(dt.UTC) for time in (start, end)
    )


def venue(edition: Edition) -> str:
    return ", ".join(part for part in (edition.venue_name, edition.venue_address, edition.city) if part)


def venue_map_url(edition: Edition) -> str:
    """A search on OpenStreetMap for the venue: its address (or its name) in the city."""
    return _map_search(edition.venue_address or edition.venue_name, edition.city)


def item_location(item: ProgramItem, edition: Edition) -> str:
    """Where an item takes place, as the calendar and the pages write it."""
    return ", ".join(part for part in (item.place, item.address, edition.city) if part)


def item_map_url(item: ProgramItem, edition: Edition) -> str:
    """A search on OpenStreetMap for the item's address, else its place in the edition's city; an
    item with neither is at the venue."""
    if item.address:
        return _map_search(item.address)
    if item.place:
        return _map_search(item.place, edition.city)
    return venue_map_url(edition)


def _map_search(*parts: str) -> str:
    return MAP_SEARCH_URL + urlencode({"query": ", ".join(part for part in parts if part)})


def _calendar(edition: Edition) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//miejsca-otwarte//program//PL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{edition.title} {edition.starts_on.year}")
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    return calendar


def _event(uid: str, summary: str, location: str, url: str, *changed: dt.datetime | None) -> Event:
    event = Event()
    event.add("uid", f"{uid}@miejsca-otwarte")
    event.add("summary", summary)
    event.add("location", location)
    event.add("url", url)
    event.add("dtstamp", timezone.now())
    last_modified = max((moment for moment in changed if moment is not None), default=None)
    if last_modified is not None:
        event.add("last-modified", last_modified)
        event.add("sequence", int((last_modified - SEQUENCE_EPOCH).total_seconds()))
    return event


def _day_event(edition: Edition, day: ConferenceDay, base_url: str) -> Event:
    event = _event(
        f"edition-{edition.pk}-day-{day.pk}",
        f"{edition.title}: {day.title}",
        venue(edition),
        base_url + reverse("program:program"),
        day.updated_at,
        edition.updated_at,
    )
    hours = day_hours(day)
    if hours is None:  # an all-day event: DTEND is the next day, exclusive
        event.add("dtstart", day.date)
        event.add("dtend", day.date + dt.timedelta(days=1))
    else:
        event.add("dtstart", hours[0])
        event.add("dtend", hours[1])
    return event


def _item_event(edition: Edition, item: ProgramItem, base_url: str) -> Event:
    event = _event(
        f"item-{item.pk}",
        item.title,
        item_location(item, edition),
        base_url + item.get_absolute_url(),
        item.updated_at,
    )
    event.add("dtstart", item.starts_at)
    event.add("dtend", item.ends_at)
    hosts = ", ".join(host.name for host in item.hosts.all())
    event.add("description", "\n\n".join(part for part in (hosts, item.description) if part))
    if item.is_cancelled:  # calendars that imported the item strike it out
        event.add("status", "CANCELLED")
    return event
