"""The mail server refuses, hangs, or the worker dies mid-job: every mail still goes out, once."""

import signal
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

import outbox.tasks
from outbox.models import OutgoingMail
from outbox.tasks import send_outgoing_mail
from registration.models import Registration
from tests.factories import sign_up
from tests.reliability.conftest import BASE_DIR, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    """What `manage.py db_worker` does, until no task is due."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def make_retries_due():
    """The retry waits RETRY_BACKOFF seconds; move it to now instead of sleeping."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())


@pytest.mark.parametrize("fault", ["refused", "hangs"])
def test_mail_server_down_sign_up_succeeds_and_mail_is_sent_when_it_is_back(
    edition, mail_server, smtp_settings, fault
):
    if fault == "refused":
        mail_server.stop()
    else:
        mail_server.hang = True  # accepts, then never answers: EMAIL_TIMEOUT (2 s here) ends the attempt

    registration = sign_up(edition, email="anna@example.com")
    run_worker()

    outgoing = OutgoingMail.objects.get()
    assert Registration.objects.count() == 1
    assert (outgoing.kind, outgoing.state, outgoing.attempts) == ("confirmation", "awaiting_retry", 1)
    assert mail_server.received == []

    if fault == "refused":
        mail_server.start()
    else:
        mail_server.stop()
        mail_server.hang = False
        mail_server.start()
    make_retries_due()
    run_worker()

    outgoing.refresh_from_db()
    assert (outgoing.state, outgoing.attempts, outgoing.last_error) == ("sent", 2, "")
    assert mail_server.recipients() == [registration.email]
    assert registration.manage_token not in outgoing.last_error
    statuses = sorted(DBTaskResult.objects.values_list("return_value", flat=True))
    assert statuses == ["retry", "sent"]


def test_mail_already_sent_is_not_sent_again(edition, mail_server, smtp_settings):
    sign_up(edition)
    run_worker()
    mail_id = OutgoingMail.objects.get().pk

    assert send_outgoing_mail.call(mail_id) == "skipped"
    assert len(mail_server.received) == 1


@pytest.mark.slow
def test_worker_killed_mid_job_mail_is_requeued_and_sent_once(edition, mail_server, settings):
    """django-tasks-db leaves a killed worker's job RUNNING for ever: requeue_stale_mail recovers it."""
    mail_server.hang = True
    registration = sign_up(edition, email="bartek@example.com")
    env = subprocess_env(EMAIL_URL=mail_server.url, EMAIL_TIMEOUT="60")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert mail_server.data_started.wait(timeout=30), "the worker never reached the mail server"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    outgoing = OutgoingMail.objects.get()
    task = DBTaskResult.objects.get()
    assert (outgoing.state, task.status) == ("sending", TaskResultStatus.RUNNING)

    # Not yet stale: a worker may still be busy with it.
    call_command("requeue_stale_mail", verbosity=0)
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 0

    mail_server.stop()
    mail_server.hang = False
    mail_server.start()
    settings.MAIL_STALE_MINUTES = 0  # as if the timer ran MAIL_STALE_MINUTES later
    call_command("requeue_stale_mail", verbosity=0)
    settings.MAIL_STALE_MINUTES = 3
    call_command("requeue_stale_mail", verbosity=0)  # a second run queues nothing more

    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", mail_server.port, 5
    run_worker()

    outgoing.refresh_from_db()
    assert (outgoing.state, outgoing.attempts) == ("sent", 2)
    assert mail_server.recipients() == [registration.email]


# Mails back to back share one connection; one idle for too long is replaced (here: every one).
@pytest.mark.parametrize("idle_seconds, connections", [(outbox.tasks.CONNECTION_IDLE_SECONDS, 1), (-1, 3)])
def test_a_worker_sends_mail_after_mail_over_one_connection(
    edition, mail_server, smtp_settings, monkeypatch, idle_seconds, connections
):
    monkeypatch.setattr(outbox.tasks, "CONNECTION_IDLE_SECONDS", idle_seconds)
    for n in range(3):
        sign_up(edition, email=f"person{n}@example.com")
    run_worker()

    assert len(mail_server.received) == 3
    assert len(set(mail_server.connections)) == connections


def test_a_connection_the_server_dropped_is_found_out_before_the_next_mail(
    edition, mail_server, smtp_settings, monkeypatch
):
    monkeypatch.setattr(outbox.tasks, "CONNECTION_PROBE_SECONDS", -1)  # as after a pause
    sign_up(edition, email="first@example.com")
    run_worker()
    mail_server.stop()  # the server goes away with the worker's open connection
    mail_server.start()
    second = sign_up(edition, email="second@example.com")
    run_worker()

    second_mail = OutgoingMail.objects.get(registration=second)
    assert (second_mail.state, second_mail.attempts) == ("sent", 1)
    assert mail_server.recipients() == ["first@example.com", "second@example.com"]
    assert len(set(mail_server.connections)) == 2


def test_after_a_failed_mail_the_next_opens_a_new_connection(
    edition, mail_server, smtp_settings, monkeypatch
):
    monkeypatch.setattr(outbox.tasks, "CONNECTION_PROBE_SECONDS", 3600)  # mails back to back: no probe
    monkeypatch.setattr(outbox.tasks, "CONNECTION_IDLE_SECONDS", 3600)  # however slow this machine
    sign_up(edition, email="first@example.com")
    run_worker()
    mail_server.stop()  # the server goes away with the worker's open connection
    mail_server.start()
    second = sign_up(edition, email="second@example.com")
    run_worker()  # on the dropped connection: fails, is put off and closes it
    make_retries_due()
    run_worker()

    second_mail = OutgoingMail.objects.get(registration=second)
    assert (second_mail.state, second_mail.attempts) == ("sent", 2)
    assert mail_server.recipients() == ["first@example.com", "second@example.com"]
    assert len(set(mail_server.connections)) == 2


def test_an_aborted_mail_is_not_sent_nor_counted(edition, mail_server, smtp_settings):
    sign_up(edition)
    OutgoingMail.objects.update(state=OutgoingMail.State.ABORTED)  # an organiser's action
    run_worker()

    outgoing = OutgoingMail.objects.get()
    assert (outgoing.state, outgoing.attempts) == ("aborted", 0)
    assert DBTaskResult.objects.get().return_value == "skipped"
    assert mail_server.received == []
