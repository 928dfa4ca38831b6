"""Outgoing e-mail through the durable queue.

`mail_queue()` writes an OutgoingMail row and a django-tasks job in the caller's transaction, so a
mail exists exactly when the change that causes it commits. The worker (`manage.py mail_worker`:
django-tasks-db's `db_worker` that survives a lost database connection) runs
`outbox.tasks.send_outgoing_mail`, which renders the mail at send time and retries failures.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus

from common import rows

from .models import OutgoingMail
from .selectors import mail_tasks, stale_cutoff, stale_mail
from .tasks import send_outgoing_mail

logger = logging.getLogger(__name__)


def mail_queue(*, registration, kind: str, context: dict | None = None) -> OutgoingMail:
    """Queue a mail of `kind` to the person of `registration`, in the caller's transaction."""
    outgoing = OutgoingMail(
        registration=registration, kind=kind, to=registration.email, context=context or {}
    )
    rows.create(outgoing)  # every sign-up queues one (docs/performance.md)
    send_outgoing_mail.enqueue(outgoing.pk)
    return outgoing


def mail_retry(*, outgoing: OutgoingMail) -> None:
    """Send a failed or aborted mail again (an organiser's action)."""
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=outgoing.pk).update(
            state=OutgoingMail.State.QUEUED, next_attempt_at=None, last_error=""
        )
        send_outgoing_mail.enqueue(outgoing.pk)


def mail_abort(*, outgoing: OutgoingMail) -> None:
    OutgoingMail.objects.filter(pk=outgoing.pk).exclude(state=OutgoingMail.State.SENT).update(
        state=OutgoingMail.State.ABORTED
    )


def mail_requeue_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Queue the stale mails again and mark their lost tasks failed. Returns the mail ids.

    A mail goes out twice only if its worker died after the mail server accepted it and before
    the SENT state was written (a lost connection alone is retried: outbox.tasks._record_sent):
    a duplicate e-mail, never a lost one."""
    now = now or timezone.now()
    requeued = []
    with transaction.atomic():
        mail_tasks().filter(status=TaskResultStatus.RUNNING, started_at__lt=stale_cutoff(now)).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="builtins.TimeoutError",
            traceback="The worker stopped during this task; the mail was queued again.",
        )
        # skip_locked: a mail a worker is updating right now is not stale.
        for outgoing in stale_mail(now=now).select_for_update(skip_locked=True):
            outgoing.state, outgoing.next_attempt_at = OutgoingMail.State.QUEUED, None
            outgoing.save(update_fields=["state", "next_attempt_at"])
            send_outgoing_mail.enqueue(outgoing.pk)
            requeued.append(outgoing.pk)
    if requeued:
        logger.warning("Queued %s stale mails again: ids %s", len(requeued), requeued)
    return requeued
