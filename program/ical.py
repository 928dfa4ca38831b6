"""iCalendar feeds: the whole program, or one person's items."""

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Edition, ProgramItem


def calendar_for_items(edition: Edition, items: Iterable[ProgramItem], request) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//miejsca-otwarte//program//PL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{edition.title} {edition.starts_on.year}")
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    for item in items:
        event = Event()
        event.add("uid", f"item-{item.pk}@miejsca-otwarte")
        event.add("summary", item.title)
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("dtstamp", timezone.now())
        location = ", ".join(part for part in (item.place, item.address, edition.city) if part)
        event.add("location", location)
        hosts = ", ".join(host.name for host in item.hosts.all())
        event.add("description", "\n\n".join(part for part in (hosts, item.description) if part))
        event.add("url", request.build_absolute_uri(item.get_absolute_url()))
        if item.is_cancelled:  # calendars that imported the item strike it out
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()
