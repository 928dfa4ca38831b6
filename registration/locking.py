"""The one way to lock the rows that decide a seat or a waiting place (docs/locking.md).

Rule: inside a transaction, lock first, then read, then write. Every path that changes a seat, a
waiting place, a catering meal or a free ticket takes its locks here, in this order and only in
this order, each kind of row sorted by primary key:

1. the person's registration row(s): `FOR NO KEY UPDATE`, which still lets other transactions
   write rows that point at the registration (a promotion queues a mail to a person who may be
   cancelling at that moment: with a plain `FOR UPDATE` the two would wait for each other);
2. the program items involved;
3. the edition's catering offer (its paid meals and its free-ticket quota);
4. catering orders and free-ticket claims.

Only after the locks are held are bookings, positions and counters read. A lock waits at most the
connection's `lock_timeout` (settings.py); a wait that runs out becomes `LockBusy`, which the pages
show as "busy, try again". Database constraints stay as the last line of defence.
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import OperationalError, router, transaction
from django.db.models import QuerySet

from common import rows
from program.models import ProgramItem

from .errors import LockBusy
from .models import Registration

# PostgreSQL's SQLSTATEs for "lock_timeout ran out" and "deadlock detected".
LOCK_NOT_AVAILABLE = "55P03"
DEADLOCK_DETECTED = "40P01"


def lock_rows(queryset: QuerySet) -> list:
    """Evaluate a `select_for_update()` queryset in primary-key order."""
    with _locking(queryset.db):
        return list(queryset.order_by("pk"))


@contextmanager
def _locking(using: str):
    """Refuses to lock outside a transaction (a lock there would be released at once). A lock wait
    that runs out means "busy"; a lost database is the 503 page's business."""
    if not transaction.get_connection(using).in_atomic_block:
        raise RuntimeError("Rows are locked only inside transaction.atomic().")
    try:
        yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) not in (LOCK_NOT_AVAILABLE, DEADLOCK_DETECTED):
            raise
        raise LockBusy() from error


def lock_registration(pk: int) -> Registration:
    """Rank 1: one registration row."""
    [row] = lock_rows(Registration.objects.select_for_update(no_key=True).filter(pk=pk))
    return row


def lock_registrations(pks: Iterable[int] | QuerySet) -> list[Registration]:
    """Rank 1 for several people at once (an organiser's change of their item), in pk order."""
    return lock_rows(Registration.objects.select_for_update(no_key=True).filter(pk__in=pks))


def lock_items(item_ids: Iterable[int], *fields: str) -> list:
    """Rank 2: the program items, as model rows or, with `fields`, just those values of each (the
    sign-up's lock, as light as it goes: a statement written once, common.rows)."""
    item_ids = sorted(set(item_ids))
    if not item_ids:
        return []
    if fields:
        with _locking(router.db_for_write(ProgramItem)):
            return rows.locked_values(ProgramItem, item_ids, fields)
    return lock_rows(ProgramItem.objects.select_for_update().filter(pk__in=item_ids))
