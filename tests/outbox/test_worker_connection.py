"""The worker's database connection is killed (a restart, a failover): it reconnects and goes on,
and a mail the mail server accepted just before is recorded SENT, not sent a second time."""

import io
import signal
import subprocess
import sys
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from outbox.models import OutgoingMail
from outbox.tasks import send_outgoing_mail
from tests.factories import sign_up
from tests.reliability.conftest import BASE_DIR, MailServer, shared_database_url, subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)

WORKER_APP = "mo-test-mail-worker"
WORKER_COMMAND = "mail_worker"


def admin_connection() -> psycopg.Connection:
    """A session on the `postgres` database: it works while the test database refuses connections."""
    return psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True)


def allow_connections(allowed: bool) -> None:
    name = connection.settings_dict["NAME"]
    with admin_connection() as admin:
        admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')


def kill_backends(application_name: str) -> int:
    """Terminate the sessions of `application_name`, as a database restart would. Returns how many."""
    with admin_connection() as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [application_name],
        ).fetchall()
    return len(rows)


def kill_backend(pid: int) -> None:
    with admin_connection() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def wait_for(condition, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.1)


class KillingMailServer(MailServer):
    """Calls `on_data` once a mail's content has arrived, before it answers 250: the mail is
    accepted however the sender's database fares in between."""

    on_data = None

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None:
            self.on_data()
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def killing_mail_server():
    server = KillingMailServer()
    server.start()
    yield server
    server.stop()


def start_worker(server: MailServer) -> subprocess.Popen:
    env = subprocess_env(
        EMAIL_URL=server.url,
        EMAIL_TIMEOUT="10",
        CONN_MAX_AGE="60",  # as in production: the worker keeps its connection between tasks
        DATABASE_URL=f"{shared_database_url()}?application_name={WORKER_APP}",
    )
    return subprocess.Popen(  # noqa: S603 (our manage.py, fixed arguments)
        [sys.executable, "manage.py", WORKER_COMMAND, "--no-startup-delay", "--interval", "0.2"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(worker: subprocess.Popen) -> str:
    worker.send_signal(signal.SIGTERM)
    output = worker.communicate(timeout=20)[0]
    print(output)  # shown when the test fails
    return output


def wait_for_worker_connection() -> None:
    with admin_connection() as admin:
        wait_for(
            lambda: admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [WORKER_APP]
            ).fetchone()[0],
            what="the worker's connection",
        )


def state(mail_id: int) -> str:
    return OutgoingMail.objects.values_list("state", flat=True).get(pk=mail_id)


@pytest.mark.slow
def test_worker_survives_lost_connections_and_sends_each_mail_once(edition, killing_mail_server, settings):
    server = killing_mail_server
    worker = start_worker(server)
    try:
        # 1. Killed while waiting for work.
        wait_for_worker_connection()
        assert kill_backends(WORKER_APP) == 1
        time.sleep(1.5)  # several polls on the dead connection
        assert worker.poll() is None, "the worker exited after losing its idle connection"

        # 2. Killed while the mail server takes the mail: the SENT state is written on a new connection.
        server.on_data = lambda: (kill_backends(WORKER_APP), setattr(server, "on_data", None))
        first = sign_up(edition, email="ala@example.com").mails.get()
        wait_for(lambda: state(first.pk) == "sent" or worker.poll() is not None, what="the first mail")
        assert worker.poll() is None, "the worker exited after losing its connection mid-task"
        assert state(first.pk) == "sent"

        # 3. The worker goes on: the next mail goes out.
        second = sign_up(edition, email="ola@example.com").mails.get()
        wait_for(lambda: state(second.pk) == "sent" or worker.poll() is not None, what="the second mail")
        assert worker.poll() is None
        assert state(second.pk) == "sent"
    finally:
        stop_worker(worker)

    # When the connection is back nothing is sent again, even once every mail counts as stale.
    settings.MAIL_STALE_MINUTES = 0
    out = io.StringIO()
    call_command("requeue_stale_mail", stdout=out)
    assert out.getvalue().startswith("Queued 0 stale mails again")
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 0
    assert server.recipients() == ["ala@example.com", "ola@example.com"]
    first.refresh_from_db()
    assert (first.state, first.attempts) == ("sent", 1)
    assert sorted(DBTaskResult.objects.values_list("status", "return_value")) == [
        (TaskResultStatus.SUCCESSFUL, "sent"),
        (TaskResultStatus.SUCCESSFUL, "sent"),
    ]


@pytest.mark.slow
def test_worker_waits_out_a_database_outage_and_sends_the_next_mail(edition, mail_server):
    """The database is away for a few seconds (its session killed, new ones refused): the worker
    keeps trying, and sends the mail queued once the database is back."""
    worker = start_worker(mail_server)
    try:
        wait_for_worker_connection()
        allow_connections(False)
        try:
            assert kill_backends(WORKER_APP) == 1
            time.sleep(4)  # the worker's reconnects fail: "database does not allow connections"
            assert worker.poll() is None, "the worker exited while the database was away"
        finally:
            allow_connections(True)

        mail = sign_up(edition, email="iza@example.com").mails.get()
        wait_for(lambda: state(mail.pk) == "sent" or worker.poll() is not None, what="the mail")
        assert worker.poll() is None
        assert state(mail.pk) == "sent"
    finally:
        output = stop_worker(worker)
    assert "lost the database" in output
    assert mail_server.recipients() == ["iza@example.com"]


def test_sent_state_is_written_on_a_new_connection_when_the_old_one_died(
    edition, killing_mail_server, smtp_settings
):
    """The mail server accepted the mail, then the connection died: the task reconnects to write
    SENT, so the mail is not sent again when requeue_stale_mail looks at it."""
    server = killing_mail_server
    smtp_settings.EMAIL_PORT = server.port
    mail_id = sign_up(edition, email="ewa@example.com").mails.get().pk
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    server.on_data = lambda: kill_backend(pid)

    assert send_outgoing_mail.call(mail_id) == "sent"

    assert connection.connection.info.backend_pid != pid
    assert state(mail_id) == "sent"
    server.on_data = None
    assert send_outgoing_mail.call(mail_id) == "skipped"
    assert server.recipients() == ["ewa@example.com"]
