"""The personal calendar file: the days a person comes on and their items, each with its place."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from program import ical
from program.models import ConferenceDay, Organisation

pytestmark = pytest.mark.django_db

BASE = "https://example.org"


def events(body: bytes) -> dict[str, object]:
    return {str(event["uid"]): event for event in Calendar.from_ical(body).walk("VEVENT")}


def person_calendar(edition, days=(), items=()) -> bytes:
    return ical.calendar_for_person(edition=edition, days=list(days), items=list(items), base_url=BASE)


def test_a_day_with_hours_is_an_event_at_the_venue_from_start_to_end(venue, second_day):
    assert second_day.hours == "9:00–17:00"

    body = person_calendar(venue, days=[second_day])

    assert Calendar.from_ical(body)["method"] == "PUBLISH"
    (event,) = events(body).values()
    assert str(event["uid"]) == f"edition-{venue.pk}-day-{second_day.pk}@miejsca-otwarte"
    assert str(event["summary"]) == f"MIEJSCA OTWARTE: {second_day.title}"
    assert str(event["location"]) == "Centrum Kongresowe ICE, ul. Marii Konopnickiej 17, Kraków"
    start = timezone.make_aware(dt.datetime.combine(second_day.date, dt.time(9)))
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + dt.timedelta(hours=8)
    assert str(event["url"]) == f"{BASE}/program/"


def test_a_day_without_readable_hours_is_an_all_day_event(edition, first_day):
    assert first_day.hours == ""

    (event,) = events(person_calendar(edition, days=[first_day])).values()

    assert event.decoded("dtstart") == first_day.date
    assert event.decoded("dtend") == first_day.date + dt.timedelta(days=1)
    assert str(event["location"]) == "Kraków"  # the 2023 edition names no venue yet


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ("9:00–17:00", (dt.time(9), dt.time(17))),
        ("9.30 - 16.45", (dt.time(9, 30), dt.time(16, 45))),
        ("od 10:00 do 18:00", (dt.time(10), dt.time(18))),
        ("9–17", (dt.time(9), dt.time(17))),
        ("", None),
        ("cały dzień", None),
        ("17:00–9:00", None),  # the end before the start
        ("25:00–26:00", None),
        ("9:75–17:00", None),
    ],
)
def test_hours_are_read_when_they_are_two_times_of_the_day(hours, expected):
    day = ConferenceDay(date=dt.date(2026, 11, 30), hours=hours)

    found = ical.day_hours(day)

    assert (tuple(timezone.localtime(moment).time() for moment in found) if found else None) == expected


def test_items_carry_their_place_hosts_and_link(edition, visit):
    visit.address = "ul. Kozłówka 1"
    visit.save()
    visit.hosts.set([Organisation.objects.create(name="Fundacja Przykładowa")])

    (event,) = events(person_calendar(edition, items=[visit])).values()

    assert str(event["uid"]) == f"item-{visit.pk}@miejsca-otwarte"
    assert str(event["summary"]) == visit.title
    assert str(event["location"]) == f"{visit.place}, ul. Kozłówka 1, Kraków"
    assert event.decoded("dtstart") == visit.starts_at
    assert event.decoded("dtend") == visit.ends_at
    assert str(event["description"]).startswith("Fundacja Przykładowa")
    assert str(event["url"]) == f"{BASE}/program/{visit.slug}/"


def test_days_and_items_together(edition, first_day, second_day, visit, evening):
    uids = list(events(person_calendar(edition, days=[first_day, second_day], items=[visit, evening])))

    assert uids == [
        f"edition-{edition.pk}-day-{first_day.pk}@miejsca-otwarte",
        f"edition-{edition.pk}-day-{second_day.pk}@miejsca-otwarte",
        f"item-{visit.pk}@miejsca-otwarte",
        f"item-{evening.pk}@miejsca-otwarte",
    ]


def test_an_edit_by_the_organisers_moves_last_modified_and_sequence_forward(edition, second_day, visit):
    an_hour_ago = timezone.now() - dt.timedelta(hours=1)
    for row in (edition, second_day, visit):
        type(row).objects.filter(pk=row.pk).update(updated_at=an_hour_ago)
        row.refresh_from_db()
    before = events(person_calendar(edition, days=[second_day], items=[visit]))

    second_day.hours = "10:00–18:00"
    second_day.save()
    visit.place = "Nowe miejsce"
    visit.save()
    after = events(person_calendar(edition, days=[second_day], items=[visit]))

    assert before.keys() == after.keys()  # the same events, replaced on import
    for uid in before:
        assert after[uid].decoded("last-modified") > before[uid].decoded("last-modified")
        assert after[uid]["sequence"] > before[uid]["sequence"]
    day_uid = f"edition-{edition.pk}-day-{second_day.pk}@miejsca-otwarte"
    assert timezone.localtime(after[day_uid].decoded("dtstart")).time() == dt.time(10)


def test_the_sequence_counts_the_seconds_of_the_last_change(edition, second_day):
    second_day.updated_at = timezone.make_aware(dt.datetime(2026, 11, 1, 12, 0))
    edition.updated_at = second_day.updated_at - dt.timedelta(days=1)  # the newer of the two counts
    earlier = events(person_calendar(edition, days=[second_day]))
    second_day.updated_at += dt.timedelta(minutes=5, seconds=3)
    later = events(person_calendar(edition, days=[second_day]))

    (uid,) = earlier
    assert later[uid]["sequence"] - earlier[uid]["sequence"] == 303
