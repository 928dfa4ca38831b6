"""Outgoing e-mail through the durable queue.

`queue()` writes an OutgoingMail row and a django-tasks job in the caller's transaction, so a mail
exists exactly when the change that causes it commits. The worker (`manage.py db_worker`) renders
the mail in the person's language at send time and retries failures with backoff.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import OutgoingMail

logger = logging.getLogger(__name__)

# Seconds to wait before attempt 2, 3, …; after the last one the mail is marked failed.
RETRY_BACKOFF = (10, 30, 60, 300, 900, 1800, 3600)


def queue(registration, kind: str, context: dict | None = None) -> OutgoingMail:
    outgoing = OutgoingMail.objects.create(
        registration=registration, kind=kind, to=registration.email, context=context or {}
    )
    send_outgoing_mail.enqueue(outgoing.pk)
    return outgoing


def retry(outgoing: OutgoingMail) -> None:
    """Send a failed or aborted mail again (an organiser's action)."""
    with transaction.atomic():
        OutgoingMail.objects.filter(pk=outgoing.pk).update(
            state=OutgoingMail.State.QUEUED, next_attempt_at=None, last_error=""
        )
        send_outgoing_mail.enqueue(outgoing.pk)


def abort(outgoing: OutgoingMail) -> None:
    OutgoingMail.objects.filter(pk=outgoing.pk).exclude(state=OutgoingMail.State.SENT).update(
        state=OutgoingMail.State.ABORTED
    )


def render(outgoing: OutgoingMail) -> EmailMultiAlternatives:
    from .emails import mail_context  # the context builders need the models and selectors

    registration = outgoing.registration
    with translation.override(registration.language if registration else settings.LANGUAGE_CODE):
        context = mail_context(outgoing)
        # One layout for every mail; the kind chooses the subject and the opening message.
        context["message_template"] = f"registration/emails/{outgoing.kind}_message.txt"
        subject = render_to_string(f"registration/emails/{outgoing.kind}_subject.txt", context)
        message = EmailMultiAlternatives(
            subject=" ".join(subject.split()),
            body=render_to_string("registration/emails/mail.txt", context),
            to=[outgoing.to],
        )
        message.attach_alternative(render_to_string("registration/emails/mail.html", context), "text/html")
        for filename, content, mimetype in context.get("attachments", ()):
            message.attach(filename, content, mimetype)
    return message


@task()
def send_outgoing_mail(mail_id: int) -> str:
    """Send one queued mail. Safe to run twice: a mail already sent or aborted is skipped."""
    with transaction.atomic():
        outgoing = (
            OutgoingMail.objects.select_for_update(skip_locked=True, of=("self",))
            # Everything the mail shows about the person's registration, in this one query.
            .select_related("registration__edition__catering__day")
            .filter(pk=mail_id)
            .first()
        )
        if outgoing is None or outgoing.state in (OutgoingMail.State.SENT, OutgoingMail.State.ABORTED):
            return "skipped"
        outgoing.state = OutgoingMail.State.SENDING
        outgoing.attempts += 1
        outgoing.save(update_fields=["state", "attempts"])
    try:
        render(outgoing).send()
    except Exception as error:  # any failure of the mail server: try again later
        return _schedule_retry(outgoing, error)
    OutgoingMail.objects.filter(pk=outgoing.pk).update(
        state=OutgoingMail.State.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return "sent"


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


# --- recovery from lost workers -----------------------------------------------------------------


def _stale_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=settings.MAIL_STALE_MINUTES)


def _mail_tasks():
    return DBTaskResult.objects.filter(task_path=send_outgoing_mail.module_path)


def stale_mail(*, now: dt.datetime | None = None):
    """Unsent mails no worker will get to: their task was lost with a killed worker (django-tasks-db
    leaves it RUNNING for ever). A task still waiting, or running for less than MAIL_STALE_MINUTES,
    counts as alive. EMAIL_TIMEOUT keeps a live attempt much shorter than that."""
    cutoff = _stale_cutoff(now or timezone.now())
    alive = _mail_tasks().filter(
        Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gte=cutoff)
    )
    alive_ids = {task["args_kwargs"]["args"][0] for task in alive.values("args_kwargs")}
    return OutgoingMail.objects.filter(
        state__in=[OutgoingMail.State.QUEUED, OutgoingMail.State.SENDING, OutgoingMail.State.AWAITING_RETRY],
        created_at__lt=cutoff,
    ).exclude(pk__in=alive_ids)


def requeue_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Queue the stale mails again and mark their lost tasks failed. Returns the mail ids.

    A mail goes out twice only if its worker died after the mail server accepted it and before
    the SENT state was written: a duplicate e-mail, never a lost one."""
    now = now or timezone.now()
    requeued = []
    with transaction.atomic():
        _mail_tasks().filter(status=TaskResultStatus.RUNNING, started_at__lt=_stale_cutoff(now)).update(
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


def overdue_tasks(*, now: dt.datetime | None = None):
    """Tasks due for longer than MAIL_STALE_MINUTES that no worker has taken: no worker is running."""
    cutoff = _stale_cutoff(now or timezone.now())
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after__lt=cutoff) | Q(run_after=get_date_max(), enqueued_at__lt=cutoff)  # max: "at once"
    )
