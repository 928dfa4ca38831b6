"""Reminders before each day: who gets one, when, only once (two runs at once included), and what
the mail says in both languages."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from attendees import services as attendees_services
from attendees.emails import CALENDAR_FILENAME, mail_message
from catering.services import CateringRequest
from outbox.models import OutgoingMail
from registration import checkin, locking, reminders, services
from registration.models import DayAttendance
from tests.factories import ALL_CONSENTS, person, sign_up
from tests.registration.test_locking import run_parallel, unlocked

REMINDER = OutgoingMail.Kind.REMINDER


def noon(date: dt.date, days: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date + dt.timedelta(days=days), dt.time(12)))


def reminded() -> Counter:
    """Reminder mails per (registration, day)."""
    return Counter(
        (registration_id, context["day_id"])
        for registration_id, context in OutgoingMail.objects.filter(kind=REMINDER).values_list(
            "registration_id", "context"
        )
    )


@pytest.mark.django_db
class TestWhoAndWhen:
    def test_nothing_before_the_window_then_each_day_its_own_people(self, edition, first_day, second_day):
        assert edition.reminder_days_before == 2
        both = sign_up(edition, days=[first_day, second_day])
        first = sign_up(edition, days=[first_day])
        second = sign_up(edition, days=[second_day])

        assert reminders.reminders_send(now=noon(first_day.date, -3)) == 0
        assert reminders.reminders_send(now=noon(first_day.date, -2)) == 2
        assert reminded() == {(both.pk, first_day.pk): 1, (first.pk, first_day.pk): 1}
        # the second day's window opens a day later; the first day's people are not mailed again
        assert reminders.reminders_send(now=noon(first_day.date, -1)) == 2
        assert reminded() == {
            (both.pk, first_day.pk): 1,
            (first.pk, first_day.pk): 1,
            (both.pk, second_day.pk): 1,
            (second.pk, second_day.pk): 1,
        }

    def test_run_twice_each_person_gets_one_per_day(self, edition, first_day, second_day):
        people = [sign_up(edition, days=[first_day, second_day]) for _ in range(3)]
        now = noon(first_day.date, -1)  # both days due

        assert reminders.reminders_send(now=now) == 6
        assert reminders.reminders_send(now=now) == 0
        assert reminders.reminders_send(now=now + dt.timedelta(hours=1)) == 0

        assert reminded() == {(p.pk, day.pk): 1 for p in people for day in (first_day, second_day)}
        assert DayAttendance.objects.filter(reminder_queued_at=now).count() == 6

    def test_a_late_registration_gets_one_on_the_next_run_until_the_day_is_over(self, edition, first_day):
        early = sign_up(edition)
        reminders.reminders_send(now=noon(first_day.date, -2))
        late = sign_up(edition)  # the day before
        on_the_day = sign_up(edition)

        assert reminders.reminders_send(now=noon(first_day.date, -1)) == 2
        assert reminders.reminders_send(now=noon(first_day.date, 0)) == 0
        sign_up(edition)  # never reminded: the next run is after the day
        assert reminders.reminders_send(now=noon(first_day.date, 1)) == 0
        assert set(reminded()) == {(p.pk, first_day.pk) for p in (early, late, on_the_day)}

    def test_cancelled_anonymised_and_checked_in_people_get_none(self, edition, first_day):
        cancelled, anonymised, at_the_door = sign_up(edition), sign_up(edition), sign_up(edition)
        services.registration_cancel(registration=cancelled)
        services.registration_anonymise(registration=anonymised)
        checkin.attendance_check_in(registration=at_the_door, day=first_day)
        coming = sign_up(edition)

        reminders.reminders_send(now=noon(first_day.date, 0))

        assert reminded() == {(coming.pk, first_day.pk): 1}

    def test_an_edition_with_no_reminder_days_sends_none(self, edition, first_day):
        edition.reminder_days_before = 0
        edition.save()
        sign_up(edition)

        assert reminders.reminders_send(now=noon(first_day.date, 0)) == 0

    def test_the_audit_trail_records_the_reminder(self, edition, first_day):
        registration = sign_up(edition)
        now = noon(first_day.date, -2)

        reminders.reminders_send(now=now)

        attendance = registration.days.get()
        assert attendance.history.latest().reminder_queued_at == now

    def test_the_command_reports_how_many_it_queued(self, edition, first_day):
        sign_up(edition)
        edition.reminder_days_before = (first_day.date - timezone.localdate()).days  # due today
        edition.save()
        out = io.StringIO()

        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)

        assert out.getvalue().split() == ["queued=1", "queued=0"]


# --- two runs at once --------------------------------------------------------------------------


def race(edition, first_day, people: int) -> Counter:
    for _ in range(people):
        sign_up(edition)
    now = noon(first_day.date, -1)
    assert run_parallel([lambda: reminders.reminders_send(now=now)] * 2) == []
    return reminded()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_queue_one_mail_per_person_and_day(edition, first_day):
    mails = race(edition, first_day, people=8)

    assert len(mails) == 8
    assert set(mails.values()) == {1}


@pytest.mark.django_db(transaction=True)
def test_control_two_runs_without_the_row_lock_mail_people_twice(edition, first_day, monkeypatch):
    monkeypatch.setattr(locking, "lock_rows", unlocked)

    mails = race(edition, first_day, people=8)

    assert len(mails) == 8
    assert max(mails.values()) == 2, "the race never showed without the lock: the main test proves nothing"


# --- what the mail says ------------------------------------------------------------------------


def reminder_for(venue, first_day, second_day, language: str):
    """Someone coming on both days with a seat and a waiting place on the first and a paid meal
    (served on the second); the reminder for the first day."""
    first_day.hours = "10:00–21:00"
    first_day.save()
    seat = venue.items.get(slug="wizyta-kozlowka")
    full = venue.items.get(slug="sesja-10-lat-sieci-mal")
    # in both languages: the test may run with either active
    full.capacity, full.place_pl, full.place_en = 1, "Sala Lustrzana", "Sala Lustrzana"
    full.save()
    sign_up(venue, [full])
    registration = attendees_services.sign_up(
        edition=venue,
        person=person(first_name="Łucja"),
        days=[first_day, second_day],
        items=[seat, full],
        consents=ALL_CONSENTS,
        language=language,
        catering_request=CateringRequest(),
    )
    reminders.reminders_send(now=noon(first_day.date, -2))
    return seat, full, mail_message(registration.mails.get(kind=REMINDER))


@pytest.mark.django_db
def test_reminder_in_english(venue, first_day, second_day):
    seat, full, message = reminder_for(venue, first_day, second_day, "en")

    assert message.subject == "Reminder: MIEJSCA OTWARTE on 29 November"
    body = message.body
    assert body.startswith("Hello Łucja,\n\nsee you soon at MIEJSCA OTWARTE: you are registered for")
    assert (
        f"{first_day.date:%A}, 29 November {first_day.date.year} — {first_day.title_en}, 10:00–21:00" in body
    )
    assert "Your items that day:" in body
    assert (
        f"{timezone.localtime(seat.starts_at):%H:%M}–{timezone.localtime(seat.ends_at):%H:%M} {seat.title_en}"
        in body
    )
    assert f"{seat.title_en}, {seat.place_en}: seat confirmed" in body
    assert f"{full.title_en}, {full.place_en}: waiting list, position 1" in body
    assert "Venue: Centrum Kongresowe ICE, ul. Marii Konopnickiej 17, Kraków" in body
    osm = "https://www.openstreetmap.org/search?query=ul.+Marii+Konopnickiej+17%2C+Krak%C3%B3w"
    assert f"Map: {osm}" in body
    assert "Catering: Awaiting payment" in body
    assert "Your ticket code:" in body
    html = message.alternatives[0][0]
    assert f'<a href="{osm}">see it on the map</a>' in html
    assert [filename for filename, *_ in message.attachments] == [
        f"e-ticket-{venue.number}.pdf",
        CALENDAR_FILENAME,
    ]
    calendar = Calendar.from_ical(message.attachments[1][1])
    assert [str(event["summary"]) for event in calendar.walk("VEVENT")] == [
        f"MIEJSCA OTWARTE: {first_day.title_en}",
        f"MIEJSCA OTWARTE: {second_day.title_en}",
        seat.title_en,
    ]


@pytest.mark.django_db
def test_reminder_in_polish(venue, first_day, second_day):
    seat, full, message = reminder_for(venue, first_day, second_day, "pl")

    assert message.subject == "Przypomnienie: MIEJSCA OTWARTE – 29 listopada"
    body = message.body
    assert body.startswith("Dzień dobry, Łucja,\n\nDo zobaczenia wkrótce na konferencji MIEJSCA OTWARTE")
    assert "Twoje punkty programu tego dnia:" in body
    # The Polish columns: the test's active language may be another.
    assert f"{seat.title_pl}, {seat.place_pl}: miejsce potwierdzone" in body
    assert f"{full.title_pl}, {full.place_pl}: lista rezerwowa, miejsce 1" in body
    assert "Miejsce: Centrum Kongresowe ICE, ul. Marii Konopnickiej 17, Kraków" in body
    assert "Mapa: https://www.openstreetmap.org/search?query=" in body
    assert "Catering: Oczekuje na płatność" in body
    assert "zobacz na mapie</a>" in message.alternatives[0][0]
    assert [filename for filename, *_ in message.attachments] == [
        f"e-bilet-{venue.number}.pdf",
        CALENDAR_FILENAME,
    ]
