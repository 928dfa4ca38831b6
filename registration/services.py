"""Every change to a registration: sign-up, changes, cancellation, waiting lists and capacity.

Views, admin actions, management commands and loaders call these functions and nothing else writes
registrations, seats, waiting places or the items' counters. Every path locks first, then reads,
then writes, through `registration.locking` (the order and the reasons are there and in
docs/locking.md). Check constraints in the database back the counters up.

Other apps hear of a registration's changes through `registration.signals`, sent inside the
transaction after the seats: the catering releases its meal and ticket there.
"""

import datetime as dt
import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from common import rows
from outbox.models import OutgoingMail
from outbox.services import mail_queue
from program.models import ConferenceDay, Edition, Organisation, ProgramItem
from program.selectors import counts_changed

from . import locking, questions, signals
from .errors import ItemChangeClash, LockBusy, RegistrationError
from .models import Answer, Booking, Consent, DayAttendance, Registration
from .selectors import (
    Affected,
    affected_from,
    changes_concern,
    item_affected,
    item_change_clashes,
    item_changes,
)


@dataclass(frozen=True, kw_only=True)
class Person:
    """The personal data a registration holds; the form's cleaned data fills it."""

    first_name: str
    last_name: str
    email: str
    town: str
    voivodeship: str
    phone: str = ""
    organisation_name: str = ""
    organisation_type: str = ""
    role: str = ""
    needs_wheelchair_access: bool = False
    needs_sign_language: bool = False
    needs_induction_loop: bool = False
    needs_assistant: bool = False
    accessibility_other: str = ""
    note: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping) -> "Person":
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


REQUIRED_CONSENTS = (Consent.Kind.TERMS, Consent.Kind.PRIVACY)


# --- sign-up -----------------------------------------------------------------------------------


def registration_create(
    *,
    edition: Edition,
    person: Person,
    days: Collection[ConferenceDay],
    items: Collection[ProgramItem],
    consents: Mapping[str, bool],
    language: str = "pl",
    submission_key=None,
    add_ons: Sequence[Callable[..., object]] = (),
    answers: questions.Answers | None = None,
    notify: bool = True,
    by_organiser: bool = False,
    now: dt.datetime | None = None,
) -> Registration:
    """Register a person: each chosen limited item gives a seat if one is free at commit time,
    otherwise the next place on its waiting list. The confirmation e-mail is queued in the same
    transaction, unless `notify` is False (a person an organiser adds by hand may not want it).

    `by_organiser`: the back office adds the person (a walk-in at the door, a speaker, a guest),
    also before or after the public registration window. Only that window is skipped: the consents,
    capacity, waiting lists, clashes and the one registration per address hold as for anyone.

    A repeated `submission_key` (double click, back button) returns the first result if it is the
    same submission (same edition and e-mail address); with another address it is refused
    ("submission_reused"), and the first registration stays as it was.

    `add_ons` run in the same transaction after the seats, each called with `registration=` (the
    catering's meal or free ticket: its locks come after the items'); a refusal there refuses the
    whole sign-up. A repeated submission does not run them again.

    `days` and `items` are the edition's objects as the caller loaded them (the form has them:
    the hottest path of the site reads no row twice); anything else is refused.

    `answers` to the organisers' questions are checked against the days and items
    (`questions.answers_check`: a required question the person is asked needs an answer) and
    saved with the registration. None: the caller asked no questions (an organiser adding a
    person), and none is required.

    In an edition whose registrations need approval the person's seats are held and the
    registration waits for an organiser (`registration_approve`, `registration_reject`); people an
    organiser adds need none."""
    now = now or timezone.now()
    if not by_organiser and not edition.is_registration_open(now):
        raise RegistrationError("closed")
    if not all(consents.get(kind) for kind in REQUIRED_CONSENTS):
        raise RegistrationError("consent_required")
    items = _check_bookable(edition, items)
    days = _days_for(edition, [day.pk for day in days], items)
    kept_answers = {}
    if answers is not None:
        kept_answers = questions.answers_check(
            answers=answers,
            edition=edition,
            day_ids={day.pk for day in days},
            item_ids={item.pk for item in items},
        )

    try:
        with transaction.atomic():
            registration = Registration(
                edition=edition,
                submission_key=submission_key,
                language=language,
                awaiting_approval=edition.registrations_need_approval and not by_organiser,
                **vars(person),
            )
            rows.create(registration)  # the site's busiest write: statements written once (common.rows)
            rows.insert([DayAttendance(registration=registration, day=day) for day in days])
            rows.insert(
                [
                    Consent(
                        registration=registration,
                        kind=kind,
                        granted=bool(consents.get(kind)),
                        text_version=edition.terms_version,
                    )
                    for kind in Consent.Kind.values
                ]
            )
            questions.answers_create(registration=registration, kept=kept_answers)
            if notify:
                mail_queue(registration=registration, kind=OutgoingMail.Kind.CONFIRMATION)
            _take_places(registration, items, now=now)  # late: the item locks are held until commit
            for add_on in add_ons:
                add_on(registration=registration)
    except IntegrityError:
        # A unique index said no. The same form sent twice (a double click, the back button): the
        # first result stands. Or the address is registered already. Anything else is a bug.
        if submission_key is not None:
            first = Registration.objects.filter(submission_key=submission_key).first()
            if first is not None:
                # The key is bound to the address it was first sent with: on a shared computer the
                # next person may press Back and send the form with their own data, and must not
                # get the first person's registration (and private link) back.
                if first.edition_id != edition.pk or first.email.lower() != person.email.strip().lower():
                    raise RegistrationError("submission_reused") from None
                return first
        if Registration.objects.filter(
            edition=edition, email__iexact=person.email, status=Registration.Status.ACTIVE
        ).exists():
            raise RegistrationError("duplicate_email") from None
        raise
    return registration


def _bookable_items(edition: Edition, item_ids: Collection[int]) -> list[ProgramItem]:
    """The chosen limited items of this edition, refusing unknown, cancelled ones and time clashes."""
    item_ids = set(item_ids)
    items = list(
        ProgramItem.objects.filter(
            edition=edition, pk__in=item_ids, capacity__isnull=False, cancelled_at__isnull=True
        )
    )
    if len(items) != len(item_ids):
        raise RegistrationError("unknown_item")
    return _check_bookable(edition, items)


def _check_bookable(edition: Edition, items: Collection[ProgramItem]) -> list[ProgramItem]:
    if any(item.edition_id != edition.pk or item.capacity is None or item.is_cancelled for item in items):
        raise RegistrationError("unknown_item")
    check_clashes(items)
    return list(items)


def check_clashes(items: Iterable[ProgramItem]) -> None:
    items = sorted(items, key=lambda item: (item.starts_at, item.pk))
    for first, second in itertools.combinations(items, 2):
        if first.overlaps(second):
            raise RegistrationError("clash", first=first.title, second=second.title)


def _days_for(
    edition: Edition, day_ids: Collection[int], items: Iterable[ProgramItem]
) -> list[ConferenceDay]:
    """The chosen days plus every day on which a chosen item takes place."""
    item_dates = {item.day for item in items}
    days = [day for day in edition.days.all() if day.pk in set(day_ids) or day.date in item_dates]
    if not days:
        raise RegistrationError("no_day")
    return days


def _seats_changed() -> None:
    """The cached pages show the seats left and, on a full item, how many people wait: they go
    stale at commit. The services save the counters with update() or bulk_update(), which send no
    signals (an item's save() bumps through program.signals, now and at commit), and a bump inside
    the transaction alone would come too early: a page rendered between the bump and the commit
    would keep the old counts under the new version."""
    transaction.on_commit(counts_changed)


def _take_places(
    registration: Registration, items: Iterable[ProgramItem], *, now: dt.datetime
) -> list[Booking]:
    """A seat on each item if one is free at this moment, otherwise the next waiting-list place.
    The callers take it last: the lock is held from here to the commit, for a few statements."""
    items = {item.pk: item for item in items}
    if not items:
        return []
    bookings = []
    counters = locking.lock_items(items, "pk", "seats_taken", "capacity", "waitlist_length", "cancelled_at")
    for item_id, seats_taken, capacity, waitlist_length, cancelled_at in counters:
        if capacity is None or cancelled_at is not None:  # made unlimited or cancelled since read
            raise RegistrationError("unknown_item")
        booking = Booking(registration=registration, item=items[item_id])
        if seats_taken < capacity:
            seats_taken += 1
            booking.status, booking.confirmed_at = Booking.Status.CONFIRMED, now
        else:
            waitlist_length += 1
            booking.status, booking.waitlist_position = Booking.Status.WAITLISTED, waitlist_length
        bookings.append(booking)
        rows.update(ProgramItem, item_id, seats_taken=seats_taken, waitlist_length=waitlist_length)
    rows.insert(bookings)
    _seats_changed()  # a place on a waiting list too: a full item shows how many wait
    return bookings


def _give_up_places(
    bookings: Collection[Booking], locked: Mapping[int, ProgramItem], *, now: dt.datetime
) -> None:
    """Remove the bookings, close the gaps they leave on waiting lists, and hand freed seats to
    the next people waiting. `locked` holds the items, locked by the caller."""
    if not bookings:
        return
    _seats_changed()
    Booking.objects.filter(pk__in=[booking.pk for booking in bookings]).delete()
    for booking in bookings:
        item = locked[booking.item_id]
        if booking.is_confirmed:
            item.seats_taken -= 1
        else:
            Booking.objects.filter(
                item=item, status=Booking.Status.WAITLISTED, waitlist_position__gt=booking.waitlist_position
            ).update(waitlist_position=F("waitlist_position") - 1)
            item.waitlist_length -= 1
    touched = [locked[item_id] for item_id in {booking.item_id for booking in bookings}]
    for item in touched:
        _promote_waiting(item, now=now)
    ProgramItem.objects.bulk_update(touched, ["seats_taken", "waitlist_length"])


def _promote_waiting(item: ProgramItem, *, now: dt.datetime, limit: int | None = None) -> list[Booking]:
    """Give the item's free seats to the first people on its waiting list, in order, and tell
    them. The caller holds the item's lock and saves its counters."""
    count = min(item.capacity - item.seats_taken, item.waitlist_length)
    if limit is not None:
        count = min(count, limit)
    if count <= 0:
        return []
    promoted = list(
        Booking.objects.filter(item=item, status=Booking.Status.WAITLISTED, waitlist_position__lte=count)
        .select_related("registration")
        .order_by("waitlist_position")
    )
    for booking in promoted:
        # One by one, with save(): a promotion is a decision about a person, and goes into the
        # audit history (the renumbering below is derived data and does not).
        booking.status, booking.waitlist_position, booking.confirmed_at = Booking.Status.CONFIRMED, None, now
        booking.save(update_fields=["status", "waitlist_position", "confirmed_at"])
        mail_queue(
            registration=booking.registration, kind=OutgoingMail.Kind.PROMOTION, context={"item_id": item.pk}
        )
    Booking.objects.filter(item=item, status=Booking.Status.WAITLISTED).update(
        waitlist_position=F("waitlist_position") - count
    )
    item.seats_taken += count
    item.waitlist_length -= count
    return promoted


# --- changes by the attendee -------------------------------------------------------------------


def registration_lock(*, registration: Registration) -> Registration:
    """Lock the person's registration row (rank 1 of registration.locking) and return it fresh;
    refuses a cancelled one. Other apps call it before changing what belongs to the person."""
    locked = locking.lock_registration(registration.pk)
    if not locked.is_active:
        raise RegistrationError("cancelled")
    return locked


def registration_update_person(
    *, registration: Registration, person: Person, answers: questions.Answers | None = None
) -> Registration:
    """Change the personal data (the e-mail address stays unique per edition) and, with
    `answers`, the answers to the organisers' questions: checked against the days and items the
    person holds now (`questions.answers_check`). None leaves the answers as they are."""
    with transaction.atomic():
        registration = registration_lock(registration=registration)
        if answers is not None:
            # Which days and items the person holds changes only under their registration's lock.
            kept_answers = questions.answers_check(
                answers=answers,
                edition=registration.edition,
                day_ids=set(registration.days.values_list("day_id", flat=True)),
                item_ids=set(registration.bookings.values_list("item_id", flat=True)),
            )
            questions.answers_replace(registration=registration, answers=answers, kept=kept_answers)
        for name, value in vars(person).items():
            setattr(registration, name, value)
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:
            raise RegistrationError("duplicate_email") from error
        mail_queue(registration=registration, kind=OutgoingMail.Kind.CHANGED)
    return registration


def registration_change_items(
    *,
    registration: Registration,
    item_ids: Collection[int],
    day_ids: Collection[int] | None = None,
    now: dt.datetime | None = None,
    by_organiser: bool = False,
) -> Registration:
    """Set the person's limited items to `item_ids`: new ones get a seat or a waiting place, the
    ones left out are given up (their seats go to the next people waiting). Items kept keep their
    seat or place. Adding needs registration to be open; giving up is possible until the
    edition's deadline for changes (`Edition.changes_close_at`), and for organisers always."""
    now = now or timezone.now()
    edition = registration.edition
    changes_check_open(edition=edition, now=now, by_organiser=by_organiser)
    with transaction.atomic():
        registration = registration_lock(registration=registration)
        # Which items the person holds changes only under their registration's lock, so this
        # read is safe now; their seats and places are read after the items are locked below.
        current_ids = set(registration.bookings.values_list("item_id", flat=True))
        wanted = set(item_ids)
        added_ids, dropped_ids = wanted - current_ids, current_ids - wanted
        if added_ids and not edition.is_registration_open(now):
            raise RegistrationError("closed")
        kept_and_added = _bookable_items(edition, wanted)
        added = [item for item in kept_and_added if item.pk in added_ids]
        if day_ids is None:
            day_ids = list(registration.days.values_list("day_id", flat=True))
        days = _days_for(edition, day_ids, kept_and_added)
        signals.registration_days_changing.send(sender=Registration, registration=registration, days=days)
        _set_days(registration, days)
        if not added_ids and not dropped_ids:
            return registration
        mail_queue(registration=registration, kind=OutgoingMail.Kind.CHANGED)
        locked = {item.pk: item for item in locking.lock_items(added_ids | dropped_ids)}
        _give_up_places(list(registration.bookings.filter(item_id__in=dropped_ids)), locked, now=now)
        _take_places(registration, added, now=now)
    return registration


def _set_days(registration: Registration, days: list[ConferenceDay]) -> None:
    wanted = {day.pk for day in days}
    current = set(registration.days.values_list("day_id", flat=True))
    registration.days.filter(day_id__in=current - wanted).delete()
    DayAttendance.objects.bulk_create(
        DayAttendance(registration=registration, day_id=day_id) for day_id in wanted - current
    )


def changes_check_open(
    *, edition: Edition, now: dt.datetime | None = None, by_organiser: bool = False
) -> None:
    """Refuse ("changes_closed") after the edition's deadline for changes: the person writes to
    the organisers, who still make the change (admin actions pass `by_organiser=True`). The
    management page calls it to say so before anyone tries."""
    if not by_organiser and edition.are_changes_closed(now):
        contact = ", ".join(filter(None, [edition.contact_email, edition.contact_phone]))
        if not contact:  # the pages show the link to the contact page beside the message
            raise RegistrationError("changes_closed_no_contact")
        raise RegistrationError("changes_closed", contact=contact)


def registration_cancel(
    *,
    registration: Registration,
    now: dt.datetime | None = None,
    notify: bool = True,
    by_organiser: bool = False,
    reason: str = "",
) -> Registration:
    """Cancel everything: seats go to the next people waiting, waiting places close up; what other
    apps hold for the person is released through `signals.registration_cancelled` (the catering's
    meal and free ticket: the next person waiting gets the ticket). After the edition's deadline
    for changes only organisers cancel; `reason`, an organiser's, is kept and told in the mail."""
    now = now or timezone.now()
    changes_check_open(edition=registration.edition, now=now, by_organiser=by_organiser)
    with transaction.atomic():
        return _cancel(registration, now=now, notify=notify, reason=reason)


def _cancel(registration: Registration, *, now: dt.datetime, notify: bool, reason: str = "") -> Registration:
    """`registration_cancel` without the deadline, in the caller's transaction (anonymisation: a
    person may have their data deleted after the deadline too)."""
    registration = registration_lock(registration=registration)
    item_ids = registration.bookings.values_list("item_id", flat=True)
    locked = {item.pk: item for item in locking.lock_items(item_ids)}
    _give_up_places(list(registration.bookings.all()), locked, now=now)  # read under the locks
    signals.registration_cancelled.send(sender=Registration, registration=registration, now=now)
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.cancellation_reason = reason.strip()
    registration.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
    if notify:
        mail_queue(registration=registration, kind=OutgoingMail.Kind.CANCELLED)
    return registration


ANONYMISED_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "organisation_name",
    "role",
    "accessibility_other",
    "note",
    "cancellation_reason",
)


def registration_anonymise(*, registration: Registration, now: dt.datetime | None = None) -> Registration:
    """Erase the personal data (RODO) but keep what the counts need: the edition, days,
    voivodeship, town and type of organisation. Before the edition's end the person is cancelled
    first (their seats go to the next people waiting); after it their days, check-ins, items and
    free ticket stay, anonymous, as the figures of who came (the funder report counts them). The
    answers to the organisers' questions are deleted. The apps that keep a copy of the data
    (catering, audit) erase theirs on `signals.registration_anonymised`."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = locking.lock_registration(registration.pk)
        if registration.is_active and not registration.edition.is_over(now):
            registration = _cancel(registration, now=now, notify=False)
        erased = [registration.full_name, registration.email]  # what may be written elsewhere
        for name in ANONYMISED_TEXT_FIELDS:
            setattr(registration, name, "")
        registration.email = f"anonymised-{registration.public_id}@invalid"
        registration.needs_wheelchair_access = registration.needs_sign_language = False
        registration.needs_induction_loop = registration.needs_assistant = False
        registration.anonymised_at = now
        registration.save()
        Answer.objects.filter(registration=registration).delete()
        # Whoever keeps a copy of the person's data erases it there: the catering, the audit trail.
        signals.registration_anonymised.send(sender=Registration, registration=registration, erased=erased)
        OutgoingMail.objects.filter(registration=registration).delete()
    return registration


def manage_link_send(*, edition: Edition, email: str) -> None:
    """Queue the management link to the address if it has an active registration. Says nothing
    either way, so nobody can learn who registered."""
    registration = Registration.objects.filter(
        edition=edition, email__iexact=email.strip(), status=Registration.Status.ACTIVE
    ).first()
    if registration is not None:
        with transaction.atomic():
            mail_queue(registration=registration, kind=OutgoingMail.Kind.MANAGE_LINK)


# --- organisers ---------------------------------------------------------------------------------


def item_set_capacity(
    *, item: ProgramItem, capacity: int | None, now: dt.datetime | None = None
) -> ProgramItem:
    """Change an item's capacity. Raising it promotes people from the waiting list at once;
    lowering it below the seats taken is refused: nobody is ever cancelled silently."""
    now = now or timezone.now()
    with transaction.atomic():
        [item] = locking.lock_items([item.pk])
        if capacity is None:
            if item.seats_taken or item.waitlist_length:
                raise RegistrationError("capacity_below_taken", taken=item.seats_taken)
        elif capacity < item.seats_taken:
            raise RegistrationError("capacity_below_taken", taken=item.seats_taken)
        item.capacity = capacity
        if capacity is not None:
            _promote_waiting(item, now=now)
        item.save(update_fields=["capacity", "seats_taken", "waitlist_length"])
    return item


def waitlist_promote_next(*, item: ProgramItem, now: dt.datetime | None = None) -> Booking:
    """Give the next free seat to the first person waiting (an organiser's action)."""
    now = now or timezone.now()
    with transaction.atomic():
        [item] = locking.lock_items([item.pk])
        if item.capacity is None:
            raise RegistrationError("not_limited", item=item.title)
        if item.waitlist_length == 0:
            raise RegistrationError("waitlist_empty", item=item.title)
        promoted = _promote_waiting(item, now=now, limit=1)
        if not promoted:
            raise RegistrationError("no_free_seat", item=item.title)
        item.save(update_fields=["seats_taken", "waitlist_length"])
    return promoted[0]


def booking_move(
    *,
    booking: Booking,
    to_item: ProgramItem,
    over_capacity: bool = False,
    notify: bool = True,
    now: dt.datetime | None = None,
) -> Booking:
    """An organiser moves a person's seat or waiting place to another item: a free seat there, or
    the end of its waiting list. `over_capacity` seats the person even on a full item, on purpose:
    the item's capacity grows by one (a chair added; it stays when the person leaves) and the
    booking says so. With `to_item` the item the person waits for, it gives them a seat now.
    The sign-up's rules hold: the item is of the edition and limited, no two items at once."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = registration_lock(registration=booking.registration)
        # Which items the person holds changes only under their registration's lock.
        current_ids = set(registration.bookings.values_list("item_id", flat=True))
        from_id = booking.item_id
        if from_id not in current_ids:
            raise RegistrationError("booking_gone")
        if to_item.pk in current_ids and (to_item.pk != from_id or not over_capacity):
            raise RegistrationError("already_on_item", name=registration.full_name, item=to_item.title)
        items = _bookable_items(registration.edition, (current_ids - {from_id}) | {to_item.pk})
        day_ids = list(registration.days.values_list("day_id", flat=True))
        days = _days_for(registration.edition, day_ids, items)
        signals.registration_days_changing.send(sender=Registration, registration=registration, days=days)
        _set_days(registration, days)
        locked = {item.pk: item for item in locking.lock_items({from_id, to_item.pk})}
        moving = registration.bookings.get(item_id=from_id)  # its seat or place, read under the locks
        if to_item.pk == from_id and moving.is_confirmed:
            raise RegistrationError("already_on_item", name=registration.full_name, item=to_item.title)
        _give_up_places([moving], locked, now=now)
        moved = _seat_or_wait(registration, locked[to_item.pk], over_capacity=over_capacity, now=now)
        if notify:
            mail_queue(registration=registration, kind=OutgoingMail.Kind.CHANGED)
    return moved


def _seat_or_wait(
    registration: Registration, item: ProgramItem, *, over_capacity: bool, now: dt.datetime
) -> Booking:
    """`_take_places` for one item an organiser chose, with the override; the item is locked."""
    booking = Booking(registration=registration, item=item)
    if over_capacity and item.seats_taken >= item.capacity:
        item.capacity, booking.over_capacity = item.seats_taken + 1, True
    if item.seats_taken < item.capacity:
        item.seats_taken += 1
        booking.status, booking.confirmed_at = Booking.Status.CONFIRMED, now
    else:
        item.waitlist_length += 1
        booking.status, booking.waitlist_position = Booking.Status.WAITLISTED, item.waitlist_length
    # save(), not update(): a capacity raised on purpose goes into the item's audit history (and its
    # signal makes the cached pages stale, at commit too: program.signals).
    item.save(update_fields=["capacity", "seats_taken", "waitlist_length"])
    booking.save()
    return booking


# --- approval -----------------------------------------------------------------------------------


def registration_approve(*, registration: Registration, now: dt.datetime | None = None) -> Registration:
    """Approve a registration that waits for it: the person is mailed their ticket."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = registration_lock(registration=registration)
        if not registration.awaiting_approval:
            raise RegistrationError("not_awaiting_approval", name=registration.full_name)
        registration.awaiting_approval, registration.approved_at = False, now
        registration.save(update_fields=["awaiting_approval", "approved_at", "updated_at"])
        mail_queue(registration=registration, kind=OutgoingMail.Kind.APPROVED)
    return registration


def registration_reject(
    *, registration: Registration, reason: str = "", now: dt.datetime | None = None
) -> Registration:
    """Reject a registration that waits for approval: it is cancelled (its held seats go to the
    next people waiting) and the person is told why."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = registration_lock(registration=registration)
        if not registration.awaiting_approval:
            raise RegistrationError("not_awaiting_approval", name=registration.full_name)
        registration = _cancel(registration, now=now, notify=False, reason=reason)
        registration.awaiting_approval = False  # decided: rejected, which is a cancellation
        registration.save(update_fields=["awaiting_approval"])
        mail_queue(registration=registration, kind=OutgoingMail.Kind.REJECTED)
    return registration


def _lock_item_with_people(item: ProgramItem) -> tuple[ProgramItem, Affected, set[int]]:
    """Rank 1, then 2: the registrations that hold a seat or a waiting place on the item, then
    the item; its bookings are read after both. Returns the locked item, its people, and the
    registrations locked (someone who signed up between the two locks holds a booking too, but
    not a lock: the caller decides whether that matters)."""
    holders = Booking.objects.filter(item_id=item.pk).values_list("registration_id", flat=True)
    locked_people = {registration.pk for registration in locking.lock_registrations(holders)}
    [locked] = locking.lock_items([item.pk])
    return locked, item_affected(item=locked), locked_people


def item_change(
    *,
    item: ProgramItem,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: Mapping[str, str],
    address: str,
    hosts: Collection[Organisation],
    confirm_clashes: bool = False,
) -> Affected:
    """Change what an item's people care about: its time, place (`place`: the text in each
    language), address or hosts. Each person holding a seat or a waiting place is sent a notice
    with the old and the new values; nothing is sent when none of them changed. Returns the
    people notified.

    A new time that overlaps another item one of its people holds is refused (`ItemChangeClash`,
    listing them) unless `confirm_clashes`: then it is made anyway and their notice says which
    of their items now overlap (the management page asks them to choose one)."""
    if ends_at <= starts_at:
        raise RegistrationError("item_ends_before_start")
    with transaction.atomic():
        locked, affected, locked_people = _lock_item_with_people(item)
        changes = item_changes(
            item=locked, starts_at=starts_at, ends_at=ends_at, place=place, address=address, hosts=hosts
        )
        if not changes:
            return Affected(seated=[], waiting=[])
        if {booking.registration_id for booking in affected.bookings} - locked_people:
            # Someone signed up between the two locks: their other items may be changing right
            # now, unlocked, so the clashes read below could be stale. Rare; the organiser retries.
            raise LockBusy()
        clashes = []
        if "time" in changes:
            clashes = item_change_clashes(
                item=locked, starts_at=starts_at, ends_at=ends_at, affected=affected
            )
        if clashes and not confirm_clashes:
            raise ItemChangeClash(clashes)
        locked.starts_at, locked.ends_at, locked.address = starts_at, ends_at, address.strip()
        for code, text in changes.get("place", [{}, {}])[1].items():
            setattr(locked, f"place_{code}", text)
        locked.save(update_fields=["starts_at", "ends_at", "address", *_translated("place")])
        if "hosts" in changes:
            locked.hosts.set(hosts)
        notified = []
        for booking in affected.bookings:
            if not changes_concern(changes, booking.registration.language):
                continue
            overlapping = [c.other.item_id for c in clashes if c.registration.pk == booking.registration_id]
            context = {"item_id": locked.pk, "changes": changes, "clashes": overlapping}
            mail_queue(
                registration=booking.registration, kind=OutgoingMail.Kind.ITEM_CHANGED, context=context
            )
            notified.append(booking)
    return affected_from(notified)


def _translated(name: str) -> list[str]:
    return [name, *(f"{name}_{code}" for code, _name in settings.LANGUAGES)]


def item_cancel(*, item: ProgramItem, reason: str = "", now: dt.datetime | None = None) -> Affected:
    """Cancel an item: every seat and waiting place on it is released (nobody moves up: there is
    nothing to move up to), each of its people is told, with the organiser's `reason` if given,
    and the item stays in the program marked cancelled, never bookable again. Returns the people
    told. A cancelled item is not brought back here: organisers add a new one."""
    now = now or timezone.now()
    with transaction.atomic():
        # Someone who signed up between the two locks is released and told like everybody else:
        # their booking is read after the item's lock, and a sign-up after it is refused.
        locked, affected, _locked_people = _lock_item_with_people(item)
        if locked.is_cancelled:
            raise RegistrationError("item_cancelled", item=locked.title)
        Booking.objects.filter(pk__in=[booking.pk for booking in affected.bookings]).delete()
        locked.seats_taken = locked.waitlist_length = 0
        locked.cancelled_at = now
        locked.save(update_fields=["seats_taken", "waitlist_length", "cancelled_at"])
        for booking in affected.bookings:
            context = {"item_id": locked.pk, "had": booking.status, "reason": reason.strip()}
            mail_queue(
                registration=booking.registration, kind=OutgoingMail.Kind.ITEM_CANCELLED, context=context
            )
    return affected
