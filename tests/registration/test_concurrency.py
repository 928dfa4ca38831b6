"""Fifty people press "Register" at the same moment for a study visit with ten seats.

Each thread has its own database connection, as each web server process would. The control
test runs the same rush with the row lock switched off, and shows the race is real: without
the lock the seats are overbooked, so the first test proves the lock, not luck."""

import threading
import time

import pytest
from django.db import connection, transaction

from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration import locking
from registration.errors import LockBusy
from registration.models import Booking, Registration
from tests.factories import sign_up

PEOPLE = 50
SEATS = 10


def rush(edition, item) -> list[Exception]:
    barrier = threading.Barrier(PEOPLE)
    errors: list[Exception] = []

    def register(number: int):
        try:
            barrier.wait()
            sign_up(edition, [item], email=f"rush{number}@example.com")
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def hot_item(edition):
    item = ProgramItem.objects.get(edition=edition, slug="wizyta-kozlowka")
    item.capacity = SEATS
    item.save()
    return item


@pytest.mark.django_db(transaction=True)
def test_rush_never_overbooks_and_positions_are_gapless(edition, hot_item):
    assert rush(edition, hot_item) == []

    bookings = Booking.objects.filter(item=hot_item)
    assert bookings.filter(status=Booking.Status.CONFIRMED).count() == SEATS
    waiting = sorted(
        bookings.filter(status=Booking.Status.WAITLISTED).values_list("waitlist_position", flat=True)
    )
    assert waiting == list(range(1, PEOPLE - SEATS + 1))
    hot_item.refresh_from_db()
    assert (hot_item.seats_taken, hot_item.waitlist_length) == (SEATS, PEOPLE - SEATS)
    assert OutgoingMail.objects.filter(kind="confirmation").count() == PEOPLE


@pytest.mark.django_db(transaction=True)
def test_control_without_the_lock_the_rush_overbooks(edition, hot_item, monkeypatch):
    """Reads the counters without SELECT … FOR UPDATE and pauses between reading and writing,
    as a slow request would. Every thread then sees the same free seats."""

    def unlocked(item_ids, *fields):
        counters = list(ProgramItem.objects.filter(pk__in=item_ids).values_list(*fields))
        time.sleep(0.2)
        return counters

    monkeypatch.setattr(locking, "lock_items", unlocked)
    rush(edition, hot_item)

    confirmed = Booking.objects.filter(item=hot_item, status=Booking.Status.CONFIRMED).count()
    assert confirmed > SEATS


@pytest.mark.django_db(transaction=True)
def test_a_lock_held_too_long_answers_busy_and_keeps_nothing(edition, hot_item):
    """Every connection waits for a row lock at most `lock_timeout` (settings.py: 3 s); a sign-up
    that runs out of it is told to try again, and nothing of it is written."""
    held, release = threading.Event(), threading.Event()

    def hold_the_item():
        with transaction.atomic():
            list(ProgramItem.objects.select_for_update().filter(pk=hot_item.pk))
            held.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_the_item)
    holder.start()
    assert held.wait(5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "3s"
            cursor.execute("SET lock_timeout = '200ms'")  # the same path, sooner
        with pytest.raises(LockBusy) as error:
            sign_up(edition, [hot_item], email="patient@example.com")
        assert error.value.code == "busy"
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert not Registration.objects.filter(email="patient@example.com").exists()
    assert not OutgoingMail.objects.exists()
