import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from model_bakery import baker

from program.models import Edition, ProgramItem

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0, day: int = 29) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 11, day, hour, minute))


def make_edition(**kwargs) -> Edition:
    defaults = {
        "starts_on": dt.date(2026, 11, 29),
        "ends_on": dt.date(2026, 11, 30),
        "registration_opens_at": at(9, day=1),
        "registration_closes_at": at(9, day=28),
    }
    return baker.make(Edition, **{**defaults, **kwargs})


def make_item(edition=None, **kwargs) -> ProgramItem:
    defaults = {"starts_at": at(14), "ends_at": at(16), "capacity": 20}
    return baker.make(ProgramItem, edition=edition or make_edition(), **{**defaults, **kwargs})


def test_only_one_edition_can_be_current():
    make_edition(number=7, is_current=True)
    make_edition(number=6, is_current=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        make_edition(number=8, is_current=True)


def test_edition_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_edition(starts_on=dt.date(2026, 11, 30), ends_on=dt.date(2026, 11, 29))


def test_registration_must_close_after_it_opens():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_edition(registration_opens_at=at(9), registration_closes_at=at(9))


def test_item_must_end_after_it_starts():
    edition = make_edition()

    with pytest.raises(IntegrityError), transaction.atomic():
        make_item(edition, starts_at=at(14), ends_at=at(14))


def test_item_can_be_full_but_never_overbooked():
    item = make_item(capacity=2)

    ProgramItem.objects.filter(pk=item.pk).update(seats_taken=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramItem.objects.filter(pk=item.pk).update(seats_taken=3)

    item.refresh_from_db()
    assert item.seats_taken == 2
    assert item.seats_left == 0


def test_item_open_to_all_takes_no_seats():
    item = make_item(capacity=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramItem.objects.filter(pk=item.pk).update(seats_taken=1)


def test_item_slug_is_unique_within_an_edition():
    edition = make_edition()
    make_item(edition, slug="wizyta")
    make_item(make_edition(number=edition.number + 1), slug="wizyta")  # another edition: fine

    with pytest.raises(IntegrityError), transaction.atomic():
        make_item(edition, slug="wizyta")


@pytest.mark.parametrize(
    ("capacity", "seats_taken", "seats_left", "is_limited"),
    [(20, 0, 20, True), (20, 7, 13, True), (20, 20, 0, True), (None, 0, None, False)],
)
def test_seats_left(capacity, seats_taken, seats_left, is_limited):
    item = ProgramItem(capacity=capacity, seats_taken=seats_taken)

    assert item.seats_left == seats_left
    assert item.is_limited is is_limited


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ((at(14), at(16)), True),  # the same time
        ((at(15), at(17)), True),  # starts during
        ((at(13), at(14, 30)), True),  # ends during
        ((at(14, 30), at(15)), True),  # inside
        ((at(12), at(18)), True),  # around
        ((at(16), at(18)), False),  # starts when the other ends
        ((at(12), at(14)), False),  # ends when the other starts
        ((at(14, day=30), at(16, day=30)), False),  # another day
    ],
)
def test_overlaps(other, expected):
    item = ProgramItem(starts_at=at(14), ends_at=at(16))
    other_item = ProgramItem(starts_at=other[0], ends_at=other[1])

    assert item.overlaps(other_item) is expected
    assert other_item.overlaps(item) is expected


def test_is_registration_open_between_opening_and_closing():
    edition = Edition(registration_opens_at=at(9, day=1), registration_closes_at=at(9, day=28))

    assert edition.is_registration_open(at=at(8, 59, day=1)) is False
    assert edition.is_registration_open(at=at(9, day=1)) is True
    assert edition.is_registration_open(at=at(8, 59, day=28)) is True
    assert edition.is_registration_open(at=at(9, day=28)) is False


def test_day_is_the_local_date():
    item = ProgramItem(starts_at=timezone.make_aware(dt.datetime(2026, 11, 30, 0, 30)))

    assert item.day == dt.date(2026, 11, 30)
