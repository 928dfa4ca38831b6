"""Reads about the queue's health: mails no worker will get to, tasks no worker has taken."""

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import OutgoingMail
from .tasks import send_outgoing_mail


def stale_cutoff(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(minutes=settings.MAIL_STALE_MINUTES)


def mail_tasks() -> QuerySet[DBTaskResult]:
    return DBTaskResult.objects.filter(task_path=send_outgoing_mail.module_path)


def stale_mail(*, now: dt.datetime | None = None) -> QuerySet[OutgoingMail]:
    """Unsent mails no worker will get to: their task was lost with a killed worker (django-tasks-db
    leaves it RUNNING for ever). A task still waiting, or running for less than MAIL_STALE_MINUTES,
    counts as alive. EMAIL_TIMEOUT keeps a live attempt much shorter than that."""
    cutoff = stale_cutoff(now or timezone.now())
    alive = mail_tasks().filter(
        Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gte=cutoff)
    )
    alive_ids = {task["args_kwargs"]["args"][0] for task in alive.values("args_kwargs")}
    return OutgoingMail.objects.filter(
        state__in=[OutgoingMail.State.QUEUED, OutgoingMail.State.SENDING, OutgoingMail.State.AWAITING_RETRY],
        created_at__lt=cutoff,
    ).exclude(pk__in=alive_ids)


def overdue_tasks(*, now: dt.datetime | None = None) -> QuerySet[DBTaskResult]:
    """Tasks due for longer than MAIL_STALE_MINUTES that no worker has taken: no worker is running."""
    cutoff = stale_cutoff(now or timezone.now())
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after__lt=cutoff) | Q(run_after=get_date_max(), enqueued_at__lt=cutoff)  # max: "at once"
    )
