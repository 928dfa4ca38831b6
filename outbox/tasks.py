"""The worker's side of the outbox: send one queued mail, retry failures with backoff.

What a mail says is not the outbox's business: `settings.OUTBOX_MESSAGE_BUILDER` names the
function that turns an `OutgoingMail` into the e-mail (attendees.emails), in the person's language,
at send time.
"""

import atexit
import contextlib
import datetime as dt
import logging
import smtplib
import time

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.signals import setting_changed
from django.db import InterfaceError, OperationalError, connections, router, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# Seconds to wait before attempt 2, 3, …; after the last one the mail is marked failed.
RETRY_BACKOFF = (10, 30, 60, 300, 900, 1800, 3600)

# Once the mail server has accepted a mail, SENT must reach the database or the mail goes out again
# (requeue_stale_mail). A lost connection is retried on a new one after these seconds (about a
# minute in all: far below MAIL_STALE_MINUTES, so no one requeues the mail meanwhile).
SENT_WRITE_RETRY_DELAYS = (0.5, 1, 2, 4, 8, 15, 30)

# A worker keeps its connection to the mail server from one mail to the next while they come; one
# idle for longer is closed before the next mail, ahead of the server dropping it. One idle for
# a moment is asked first (NOOP) whether the server still holds it: a mail on a dropped connection
# would fail and wait for its retry.
CONNECTION_IDLE_SECONDS = 10
CONNECTION_PROBE_SECONDS = 1


class MailConnection:
    """The worker's connection to the mail server (settings.EMAIL_BACKEND), opened by the first
    mail and kept for the next: a connection per mail costs the server's greeting and EHLO (in
    production TLS and the login as well) on every mail of a rush. A failed mail closes it."""

    def __init__(self):
        self._backend = None
        self._last_used = 0.0

    def send(self, message: EmailMessage) -> None:
        idle = time.monotonic() - self._last_used
        if self._backend is not None and (
            idle > CONNECTION_IDLE_SECONDS or (idle > CONNECTION_PROBE_SECONDS and not self._still_open())
        ):
            self.close()
        try:
            if self._backend is None:
                self._backend = get_connection()
                self._backend.open()
            message.connection = self._backend
            message.send()
        except Exception:
            self.close()
            raise
        self._last_used = time.monotonic()

    def _still_open(self) -> bool:
        smtp = getattr(self._backend, "connection", None)  # smtplib's, on the SMTP backend
        if smtp is None:
            return True
        try:
            return smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def close(self) -> None:
        backend, self._backend = self._backend, None
        if backend is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):  # it is given up either way
                backend.close()


mail_connection = MailConnection()
atexit.register(mail_connection.close)


@receiver(setting_changed)
def _close_on_new_mail_settings(*, setting: str, **kwargs) -> None:
    if setting.startswith("EMAIL_"):
        mail_connection.close()


def build_message(outgoing: OutgoingMail):
    return import_string(settings.OUTBOX_MESSAGE_BUILDER)(outgoing)


@task()
def send_outgoing_mail(mail_id: int) -> str:
    """Send one queued mail. Safe to run twice: a mail already sent or aborted is skipped."""
    outgoing = _claim(mail_id)
    if outgoing is None:
        return "skipped"
    try:
        mail_connection.send(build_message(outgoing))
    except Exception as error:  # any failure of the mail server: try again later
        return _schedule_retry(outgoing, error)
    _record_sent(outgoing)
    return "sent"


def _claim(mail_id: int) -> OutgoingMail | None:
    """The mail marked sending with its attempt counted, or None if it is gone, sent or aborted:
    one statement that locks the row, checks its state and writes it (a round trip, not a
    transaction's four, on every mail of a rush)."""
    alias = router.db_for_write(OutgoingMail)
    quote = connections[alias].ops.quote_name
    claimed = OutgoingMail.objects.using(alias).raw(
        f"UPDATE {quote(OutgoingMail._meta.db_table)} SET state = %s, attempts = attempts + 1 "  # noqa: S608
        "WHERE id = %s AND state NOT IN (%s, %s) RETURNING *",
        [OutgoingMail.State.SENDING, mail_id, OutgoingMail.State.SENT, OutgoingMail.State.ABORTED],
    )
    return next(iter(claimed), None)


def _record_sent(outgoing: OutgoingMail) -> None:
    """Write SENT; if the database connection was lost (a restart, a failover), write it again on a
    new connection rather than leave the mail SENDING, which requeue_stale_mail would send twice."""
    sent_at = timezone.now()
    for delay in (*SENT_WRITE_RETRY_DELAYS, None):
        try:
            OutgoingMail.objects.filter(pk=outgoing.pk).update(
                state=OutgoingMail.State.SENT, sent_at=sent_at, last_error="", next_attempt_at=None
            )
            return
        except (OperationalError, InterfaceError) as error:
            db_connection = connections[router.db_for_write(OutgoingMail)]
            if delay is None or db_connection.in_atomic_block:  # a caller's transaction is lost anyway
                logger.error("Mail id=%s was sent but could not be marked sent: %s", outgoing.pk, error)
                raise
            logger.warning(
                "Mail id=%s sent; database lost while marking it sent (%s), retrying in %s s",
                outgoing.pk,
                type(error).__name__,
                delay,
            )
            db_connection.close()  # the next query opens a new connection
            time.sleep(delay)


def _schedule_retry(outgoing: OutgoingMail, error: Exception) -> str:
    logger.warning("Mail id=%s attempt %s failed: %s", outgoing.pk, outgoing.attempts, type(error).__name__)
    with transaction.atomic():
        if outgoing.attempts > len(RETRY_BACKOFF):
            OutgoingMail.objects.filter(pk=outgoing.pk).update(
                state=OutgoingMail.State.FAILED, last_error=str(error)
            )
            return "failed"
        next_attempt_at = timezone.now() + dt.timedelta(seconds=RETRY_BACKOFF[outgoing.attempts - 1])
        OutgoingMail.objects.filter(pk=outgoing.pk).update(
            state=OutgoingMail.State.AWAITING_RETRY, last_error=str(error), next_attempt_at=next_attempt_at
        )
        send_outgoing_mail.using(run_after=next_attempt_at).enqueue(outgoing.pk)
    return "retry"
