"""Any sequence of sign-ups, changes, cancellations, capacity changes and promotions keeps the
waiting lists and seat counters right."""

import contextlib

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from program.models import ProgramItem
from registration import services
from registration.models import Booking, Registration
from tests.factories import ALL_CONSENTS, person

# Three limited items at different times (no clashes), and two that clash with the first.
SLUGS = ["sesja-10-lat-sieci-mal", "sesja-osiedle-otwarty-jazdow", "wizyta-kozlowka", "wizyta-skawina"]
PEOPLE = 6

item_sets = st.sets(st.integers(0, len(SLUGS) - 1), max_size=3)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("sign_up"), st.integers(0, PEOPLE - 1), item_sets),
        st.tuples(st.just("change"), st.integers(0, PEOPLE - 1), item_sets),
        st.tuples(st.just("cancel"), st.integers(0, PEOPLE - 1)),
        st.tuples(st.just("capacity"), st.integers(0, len(SLUGS) - 1), st.integers(0, 4)),
        st.tuples(st.just("promote"), st.integers(0, len(SLUGS) - 1)),
    ),
    min_size=1,
    max_size=25,
)


def apply(operation, edition, items):
    kind, *args = operation
    if kind in ("sign_up", "change", "cancel"):
        email = f"p{args[0]}@example.com"
        active = Registration.objects.filter(email=email, status=Registration.Status.ACTIVE).first()
    if kind == "sign_up":
        services.registration_create(
            edition=edition,
            person=person(email=email),
            days=[edition.days.first()],
            items=[items[i] for i in args[1]],
            consents=ALL_CONSENTS,
        )
    elif kind == "change" and active:
        services.registration_change_items(registration=active, item_ids=[items[i].pk for i in args[1]])
    elif kind == "cancel" and active:
        services.registration_cancel(registration=active)
    elif kind == "capacity":
        services.item_set_capacity(item=items[args[0]], capacity=args[1])
    elif kind == "promote":
        services.waitlist_promote_next(item=items[args[0]])


def check_invariants(items):
    for item in ProgramItem.objects.filter(pk__in=[i.pk for i in items]):
        bookings = Booking.objects.filter(item=item)
        confirmed = bookings.filter(status=Booking.Status.CONFIRMED).count()
        positions = sorted(
            bookings.filter(status=Booking.Status.WAITLISTED).values_list("waitlist_position", flat=True)
        )
        assert item.seats_taken == confirmed
        assert item.seats_taken <= item.capacity
        assert positions == list(range(1, item.waitlist_length + 1))
        if item.waitlist_length:
            assert item.seats_taken == item.capacity, "someone waits while a seat is free"
        people = list(bookings.values_list("registration__email", flat=True))
        assert len(people) == len(set(people)), "a person holds two places on one item"
        assert not bookings.exclude(registration__status=Registration.Status.ACTIVE).exists()


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacities=st.lists(st.integers(0, 3), min_size=len(SLUGS), max_size=len(SLUGS)), ops=operations)
def test_any_sequence_of_changes_keeps_the_invariants(edition, capacities, ops):
    with transaction.atomic():  # each example starts from the same edition and leaves nothing
        ProgramItem.objects.filter(edition=edition).update(seats_taken=0, waitlist_length=0)
        items = [ProgramItem.objects.get(edition=edition, slug=slug) for slug in SLUGS]
        for item, capacity in zip(items, capacities, strict=True):
            item.capacity = capacity
            item.save(update_fields=["capacity"])
        for operation in ops:
            # A refusal (clash, duplicate, capacity below taken…) must change nothing.
            with contextlib.suppress(services.RegistrationError):
                apply(operation, edition, items)
            check_invariants(items)
        with connection.cursor() as cursor:  # the deferred unique position constraint, checked now
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)
