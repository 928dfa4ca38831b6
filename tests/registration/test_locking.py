"""The races on seats and waiting lists, run for real: every thread its own PostgreSQL connection.

The issue these guard against: cancellations and changes read the person's waiting position before
they locked the item, so two waiting people cancelling at once left a gap in the list ("Z at
position 2 of a list 1 long"), and every later sign-up for the item answered 500 on the unique
waiting position; a waiting person cancelling while their own promotion committed deadlocked.

Each race is followed by the same checks (`problems`): the counters equal the bookings, the
waiting positions run 1..n in the order people joined, nobody waits while a seat is free, every
promotion queued its mail, and a new sign-up afterwards still works. Each race also has a control
that switches the row locks off (`unlocked`: the same queries without FOR UPDATE, with a pause
between reading and writing, as a slow request would make) and shows the checks then fail, so a
passing race proves the locks, not luck.
"""

import functools
import itertools
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable

import pytest
from django.db import connection, transaction

from outbox.models import OutgoingMail
from program.models import ProgramItem
from registration import locking, services
from registration.errors import LockBusy, RegistrationError
from registration.models import Booking, Registration
from tests.factories import sign_up

CONFIRMED, WAITLISTED = Booking.Status.CONFIRMED, Booking.Status.WAITLISTED
_probes = itertools.count(1)


# --- running things at once ------------------------------------------------------------------


def run_parallel(tasks: Iterable[Callable[[], object]]) -> list[BaseException]:
    """Start every task in its own thread (so its own database connection) at the same moment;
    return the exceptions they raised."""
    tasks = list(tasks)
    barrier = threading.Barrier(len(tasks))
    errors: list[BaseException] = []

    def run(task):
        try:
            barrier.wait(timeout=30)
            task()
        except Exception as error:  # collected and asserted on by the callers
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


def unlocked(queryset) -> list:
    """`locking.lock_rows` with the protection switched off: the same rows, read without the row
    lock, then a pause as a slow request would make, which keeps the race window wide open."""
    rows = queryset.all()
    rows.query.select_for_update = False
    rows = list(rows.order_by("pk"))
    time.sleep(random.uniform(0.03, 0.08))
    return rows


def refused_as_expected(action: Callable[[], object], *codes: str) -> None:
    """Run an organiser's action; a RegistrationError with one of `codes` is an expected refusal."""
    try:
        action()
    except RegistrationError as error:
        if error.code not in codes:
            raise


def cancel(registration: Registration) -> Callable[[], object]:
    return lambda: services.registration_cancel(registration=registration)


def newcomer(edition, item) -> Callable[[], object]:
    return lambda: sign_up(edition, [item])


# --- the checks --------------------------------------------------------------------------------


def problems(item: ProgramItem) -> list[str]:
    """Everything wrong with the item's seats, waiting list and promotion mails (empty: all well)."""
    item.refresh_from_db()
    found = []
    bookings = Booking.objects.filter(item=item)
    confirmed = bookings.filter(status=CONFIRMED).count()
    waiting = list(
        bookings.filter(status=WAITLISTED)
        .order_by("waitlist_position", "pk")
        .values_list("pk", "waitlist_position", "created_at")
    )
    if item.capacity is None or item.seats_taken > item.capacity:
        found.append(f"seats_taken {item.seats_taken} over capacity {item.capacity}")
    if item.seats_taken != confirmed:
        found.append(f"seats_taken {item.seats_taken} but {confirmed} confirmed bookings")
    if item.waitlist_length != len(waiting):
        found.append(f"waitlist_length {item.waitlist_length} but {len(waiting)} people waiting")
    positions = [position for _, position, _ in waiting]
    if positions != list(range(1, len(waiting) + 1)):
        found.append(f"waiting positions not 1..n: {positions}")
    pks = [pk for pk, _, _ in waiting]
    if pks != sorted(pks) or [c for *_, c in waiting] != sorted(c for *_, c in waiting):
        found.append("the waiting list is not in the order people joined")
    if waiting and item.capacity is not None and item.seats_taken < item.capacity:
        found.append(f"{item.capacity - item.seats_taken} free seats while {len(waiting)} people wait")
    stale = bookings.exclude(registration__status=Registration.Status.ACTIVE).count()
    if stale:
        found.append(f"{stale} cancelled registrations still hold places")
    doubled = Counter(bookings.values_list("registration_id", flat=True)).most_common(1)
    if doubled and doubled[0][1] > 1:
        found.append(f"registration {doubled[0][0]} holds two places")

    # Each promotion is saved with its audit entry and queues a "promotion" mail in the same
    # transaction (anonymisation erases the person's mails: such people are left out).
    anonymised = set(Registration.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True))
    promotion_rows = Booking.history.filter(item_id=item.pk, history_type="~", status=CONFIRMED)
    promoted = Counter(
        reg for reg in promotion_rows.values_list("registration_id", flat=True) if reg not in anonymised
    )
    mailed = Counter(
        reg
        for reg, context in OutgoingMail.objects.filter(kind=OutgoingMail.Kind.PROMOTION).values_list(
            "registration_id", "context"
        )
        if context.get("item_id") == item.pk and reg not in anonymised
    )
    if promoted != mailed:
        found.append(f"promotions {dict(promoted)} but promotion mails {dict(mailed)}")
    promoted_pks = Counter(promotion_rows.values_list("id", flat=True))  # `id`: the booking's
    if any(count > 1 for count in promoted_pks.values()):
        found.append(f"a booking was promoted twice: {dict(promoted_pks)}")
    if pks and promoted_pks and max(promoted_pks) > min(pks):
        found.append("someone was promoted ahead of a person who joined earlier")
    return found


def sign_up_problems(item: ProgramItem) -> list[str]:
    """A new person signs up for the item: they get a free seat or the next waiting place."""
    item.refresh_from_db()
    seats_taken, capacity, waitlist_length = item.seats_taken, item.capacity, item.waitlist_length
    try:
        registration = sign_up(item.edition, [item], email=f"probe{next(_probes)}@example.com")
    except Exception as error:  # the 500 of the issue
        return [f"a new sign-up failed: {error!r}"]
    booking = registration.bookings.get(item=item)
    expected = (CONFIRMED, None) if seats_taken < capacity else (WAITLISTED, waitlist_length + 1)
    if (booking.status, booking.waitlist_position) != expected:
        return [f"a new sign-up got {booking.status} {booking.waitlist_position}, expected {expected}"]
    return problems(item)


def assert_item_consistent(item: ProgramItem) -> None:
    assert problems(item) == []
    assert sign_up_problems(item) == []


def broken(errors: list, items: Iterable[ProgramItem]) -> list:
    """What the control shows: exceptions in threads, or the checks failing."""
    return errors + [problem for item in items for problem in problems(item) + sign_up_problems(item)]


# --- setting the scene -----------------------------------------------------------------------


def limited(edition, slug: str, capacity: int) -> ProgramItem:
    ProgramItem.objects.filter(edition=edition, slug=slug).update(capacity=capacity)
    return ProgramItem.objects.get(edition=edition, slug=slug)


def fill(edition, item: ProgramItem, count: int) -> list[Registration]:
    return [sign_up(edition, [item]) for _ in range(count)]


SLUGS = ["wizyta-kozlowka", "wizyta-nasza-sciana", "wizyta-swietlica-debniki", "wizyta-nad-potokiem"]
ATTEMPTS = 3  # a control runs its race again (on a fresh item) until the breakage shows


# --- 1. many waiting people cancel at once ----------------------------------------------------


def mass_cancellation(edition, item: ProgramItem) -> list[BaseException]:
    """Capacity 2, two seated, twenty waiting. At once: ten waiting people cancel (the first in
    line among them, whom the seated person's cancellation is promoting), a seated person cancels,
    a waiting person is anonymised, six newcomers sign up."""
    seated, waiting = fill(edition, item, 2), fill(edition, item, 20)
    tasks = [cancel(waiting[index]) for index in (0, 1, 2, 4, 6, 8, 10, 12, 15, 19)]
    tasks.append(cancel(seated[0]))
    tasks.append(lambda: services.registration_anonymise(registration=waiting[17]))
    tasks += [newcomer(edition, item) for _ in range(6)]
    return run_parallel(tasks)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_many_waiting_people_cancel_at_once(edition):
    for slug in SLUGS[:2]:
        item = limited(edition, slug, 2)
        assert mass_cancellation(edition, item) == []
        assert_item_consistent(item)
        assert OutgoingMail.objects.filter(kind="promotion", context__item_id=item.pk).count() >= 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_control_mass_cancellation_without_locks_breaks_the_list(edition, monkeypatch):
    monkeypatch.setattr(locking, "lock_rows", unlocked)
    for slug in SLUGS[:ATTEMPTS]:
        item = limited(edition, slug, 2)
        if found := broken(mass_cancellation(edition, item), [item]):
            print("without the locks:", found[:5])  # shown with -s
            return
    pytest.fail("the race never showed without the locks: the main test proves nothing")


# --- 2. a waiting person cancels while being promoted --------------------------------------------


def promotion_against_cancellation(edition, item: ProgramItem, rounds: int, *, stop_at_first=False):
    """Capacity 1. Each round: the seated person cancels at the moment the first waiting person
    does, so that person is being promoted while they cancel. The second waiting person must end
    up in the seat. Returns the exceptions and the problems, per round."""
    seated = fill(edition, item, 1)[0]
    outcome = []
    for _ in range(rounds):
        first, second = fill(edition, item, 2)
        errors = run_parallel([cancel(seated), cancel(first)])
        found = errors + problems(item)
        if not found and second.bookings.get(item=item).status != CONFIRMED:
            found.append("the second waiting person did not get the seat")
        outcome.append(found)
        if found and stop_at_first:
            break
        seated = second
    return outcome


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_waiting_person_cancelling_while_promoted(edition):
    item = limited(edition, SLUGS[0], 1)
    outcome = promotion_against_cancellation(edition, item, rounds=20)
    assert [(number, found) for number, found in enumerate(outcome, 1) if found] == []
    # One promotion a round when the first waiting person's cancellation went first, two when
    # they were promoted while their cancellation waited for the item (about half the rounds).
    assert OutgoingMail.objects.filter(kind="promotion").count() > 20, "the race never happened"
    assert_item_consistent(item)


@pytest.mark.django_db(transaction=True)
def test_control_promotion_against_cancellation_without_locks(edition, monkeypatch):
    monkeypatch.setattr(locking, "lock_rows", unlocked)
    item = limited(edition, SLUGS[0], 1)
    outcome = promotion_against_cancellation(edition, item, rounds=8, stop_at_first=True)
    assert any(outcome), "the race never showed without the locks: the main test proves nothing"


@pytest.mark.django_db(transaction=True)
def test_control_a_plain_for_update_on_the_registration_deadlocks(edition, monkeypatch):
    """With FOR UPDATE instead of FOR NO KEY UPDATE on the registration, the promotion's mail
    (its foreign key takes KEY SHARE on the person's registration) waits for the cancelling person,
    who waits for the item the promotion holds: PostgreSQL detects the deadlock after 1 s."""

    def lock_registration_for_update(pk):
        [row] = locking.lock_rows(Registration.objects.select_for_update().filter(pk=pk))
        # The interleaving that deadlocks, made sure of on a loaded machine: both hold their
        # registration, the seated person's cancellation takes the item first and promotes.
        waiting = Booking.objects.filter(registration_id=pk, status=WAITLISTED).exists()
        time.sleep(0.4 if waiting else 0.1)
        return row

    monkeypatch.setattr(locking, "lock_registration", lock_registration_for_update)
    item = limited(edition, SLUGS[0], 1)
    outcome = promotion_against_cancellation(edition, item, rounds=10, stop_at_first=True)
    errors = [error for found in outcome for error in found if isinstance(error, Exception)]
    assert errors, "no deadlock without FOR NO KEY UPDATE: the main test proves nothing"
    # 40P01: the waiting side is told "busy" (LockBusy), the promoting side meets it raw.
    assert all(isinstance(error, LockBusy) or "deadlock" in str(error) for error in errors), errors


# --- 3. changes across two items, in opposite directions -----------------------------------------


def opposite_changes(edition, rounds: int, *, stop_at_first=False):
    """Two items of capacity 4, each full: one person staying and three who move. Each round the
    three on the first item change to the second while the three on the second change to the
    first, all at once (the two items locked by transactions that want them in opposite order).
    Everybody must end up seated."""
    first, second = limited(edition, SLUGS[0], 4), limited(edition, SLUGS[1], 4)
    fill(edition, first, 1)  # one staying on each
    fill(edition, second, 1)
    on_first, on_second = fill(edition, first, 3), fill(edition, second, 3)
    outcome = []
    for _ in range(rounds):
        tasks = [change(person, second) for person in on_first] + [
            change(person, first) for person in on_second
        ]
        found = run_parallel(tasks) + problems(first) + problems(second)
        if not found:
            seated = Booking.objects.filter(status=CONFIRMED)
            if seated.filter(item=first, registration__in=on_second).count() != 3:
                found.append("not everybody who moved to the first item is seated")
            if seated.filter(item=second, registration__in=on_first).count() != 3:
                found.append("not everybody who moved to the second item is seated")
        outcome.append(found)
        if found and stop_at_first:
            break
        on_first, on_second = on_second, on_first
    return outcome, (first, second)


def change(registration: Registration, item: ProgramItem) -> Callable[[], object]:
    return lambda: services.registration_change_items(registration=registration, item_ids=[item.pk])


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_changes_across_two_items_in_opposite_directions(edition):
    outcome, items = opposite_changes(edition, rounds=10)
    assert [(number, found) for number, found in enumerate(outcome, 1) if found] == []
    for item in items:
        assert_item_consistent(item)


@pytest.mark.django_db(transaction=True)
def test_control_opposite_changes_without_locks(edition, monkeypatch):
    monkeypatch.setattr(locking, "lock_rows", unlocked)
    outcome, _ = opposite_changes(edition, rounds=5, stop_at_first=True)
    assert any(outcome), "the race never showed without the locks: the main test proves nothing"


# --- 4. an organiser changes the capacity during the churn ---------------------------------------


def capacity_churn(edition, item: ProgramItem) -> list[BaseException]:
    """Capacity 4, four seated, twelve waiting. At once: an organiser raises and lowers the
    capacity (lowering below the seats taken is refused, as it should be), another organiser
    promotes the next person by hand, six people cancel, six newcomers sign up."""
    seated, waiting = fill(edition, item, 4), fill(edition, item, 12)

    def organiser():
        for capacity in (6, 2, 8, 3, 5, 1, 7, 4, 9):
            change_capacity = functools.partial(services.item_set_capacity, item=item, capacity=capacity)
            refused_as_expected(change_capacity, "capacity_below_taken")

    def promoter():
        for _ in range(3):
            promote = functools.partial(services.waitlist_promote_next, item=item)
            refused_as_expected(promote, "no_free_seat", "waitlist_empty")

    tasks = [organiser, promoter]
    tasks += [
        cancel(person) for person in (seated[0], seated[2], waiting[0], waiting[3], waiting[7], waiting[11])
    ]
    tasks += [newcomer(edition, item) for _ in range(6)]
    return run_parallel(tasks)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_capacity_changes_during_sign_ups_and_cancellations(edition):
    for slug in SLUGS[:2]:
        item = limited(edition, slug, 4)
        assert capacity_churn(edition, item) == []
        assert_item_consistent(item)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_control_capacity_churn_without_locks(edition, monkeypatch):
    monkeypatch.setattr(locking, "lock_rows", unlocked)
    for slug in SLUGS[:ATTEMPTS]:
        item = limited(edition, slug, 4)
        if found := broken(capacity_churn(edition, item), [item]):
            print("without the locks:", found[:5])  # shown with -s
            return
    pytest.fail("the race never showed without the locks: the main test proves nothing")


# --- 6. the locking itself ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_lock_rows_refuses_outside_a_transaction(visit):
    with pytest.raises(RuntimeError):
        locking.lock_rows(ProgramItem.objects.select_for_update().filter(pk=visit.pk))
    with pytest.raises(RuntimeError):
        locking.lock_registration(0)
    with pytest.raises(RuntimeError):
        locking.lock_items([visit.pk])
    with transaction.atomic():
        assert locking.lock_items([visit.pk], "pk", "capacity") == [(visit.pk, 20)]


def hold(queryset):
    """Lock the rows from another connection until told to let go."""
    held, release = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                list(queryset.select_for_update())
                held.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(5)
    return release, thread


def snapshot(item: ProgramItem):
    item.refresh_from_db()
    return (
        item.seats_taken,
        item.waitlist_length,
        sorted(
            Booking.objects.filter(item=item).values_list("registration_id", "status", "waitlist_position")
        ),
        sorted(Registration.objects.values_list("pk", "status")),
        OutgoingMail.objects.count(),
    )


@pytest.mark.parametrize("held", ["item", "registration"])
@pytest.mark.parametrize("action", ["cancel", "change"])
@pytest.mark.django_db(transaction=True)
def test_a_lock_held_too_long_answers_busy_and_changes_nothing(edition, other_visit, held, action):
    """Another transaction holds the item (a rush of sign-ups) or the person's own registration
    (their other tab) past `lock_timeout`: the waiting person's cancellation or change is told
    "busy, try again" and nothing of it is written."""
    item = limited(edition, SLUGS[0], 1)
    fill(edition, item, 1)
    person, _ = fill(edition, item, 2)
    before = snapshot(item)
    rows = (
        ProgramItem.objects.filter(pk=item.pk)
        if held == "item"
        else Registration.objects.filter(pk=person.pk)
    )
    release, thread = hold(rows)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")  # the same path as the 3 s, sooner
        with pytest.raises(LockBusy) as error:
            if action == "cancel":
                services.registration_cancel(registration=person)
            else:
                services.registration_change_items(registration=person, item_ids=[other_visit.pk])
        assert error.value.code == "busy"
    finally:
        release.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert snapshot(item) == before
    assert_item_consistent(item)
