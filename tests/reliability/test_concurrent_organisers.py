"""Two organisers change an item's capacity while people sign up for it: no update is lost."""

import pytest

from program.models import ProgramItem
from registration import services
from registration.models import Booking
from tests.factories import sign_up
from tests.registration.test_locking import run_parallel


@pytest.mark.django_db(transaction=True)
def test_capacity_changes_and_sign_ups_at_once_lose_nothing(edition, visit):
    visit.capacity = 3
    visit.save(update_fields=["capacity"])
    stale = ProgramItem.objects.get(pk=visit.pk)  # what each organiser's form loaded: capacity 3
    people = 16

    errors = run_parallel(
        [
            *[lambda n=n: sign_up(edition, [visit], email=f"crowd{n}@example.com") for n in range(people)],
            lambda: services.item_set_capacity(item=stale, capacity=8),
            lambda: services.item_set_capacity(item=stale, capacity=12),
        ]
    )

    # When 12 came first and more than 8 seats were taken before the other organiser's 8 arrived,
    # that 8 is refused (nobody is cancelled silently): the one refusal a race may bring.
    refused = [error for error in errors if getattr(error, "code", None) == "capacity_below_taken"]
    assert [error for error in errors if error not in refused] == []
    visit.refresh_from_db()
    assert visit.capacity == 12 if refused else visit.capacity in (8, 12)
    bookings = Booking.objects.filter(item=visit)
    confirmed = bookings.filter(status=Booking.Status.CONFIRMED).count()
    positions = sorted(
        bookings.filter(status=Booking.Status.WAITLISTED).values_list("waitlist_position", flat=True)
    )
    assert confirmed == visit.seats_taken == visit.capacity  # 16 people: every seat is taken
    assert positions == list(range(1, people - visit.capacity + 1))
    assert visit.waitlist_length == people - visit.capacity
