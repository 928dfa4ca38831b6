"""`manage.py mail_worker`: django-tasks-db's `db_worker` that outlives a lost database connection.

django-tasks-db 0.13 has no setting for this (upstream: RealOrangeOne/django-tasks-db#49). Its loop
re-raises every OperationalError except "database is locked", and `set_failed` retries on the same
dead connection, so a database restart, a failover or a killed session ended the process: a task
that lost its connection took the worker with it, and with it every mail behind it until systemd
restarted it.

This is the same command with the same options and the same loop. When the connection is lost, it
closes it, waits (1 s, 2 s, 4 s … at most 30 s, while the database stays away) and goes on with a
new one. A task interrupted that way is recorded FAILED once the database answers again; its mail
is not lost: `requeue_stale_mail` queues it again (outbox.services.mail_requeue_stale). SIGTERM
still stops the worker at once while it waits.
"""

import contextlib
import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("django_tasks_db")

DATABASE_LOST = (OperationalError, InterfaceError)
RECONNECT_DELAYS = (1, 2, 4, 8, 16, 30)  # seconds; the last one repeats
HEALTHY_AFTER = 60  # seconds of work without a loss before the delays start again from the first


def close_database_connections() -> None:
    """Drop this process's connections; the next query opens new ones."""
    for db_connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            db_connection.close()


class Worker(db_worker.Worker):
    def run(self) -> None:
        losses = 0
        while True:
            started = time.monotonic()
            try:
                return super().run()  # returns only in --batch or --max-tasks mode
            except DATABASE_LOST as error:
                if not self.running:
                    raise
                losses = 1 if time.monotonic() - started > HEALTHY_AFTER else losses + 1
                delay = RECONNECT_DELAYS[min(losses, len(RECONNECT_DELAYS)) - 1]
                logger.warning(
                    "Worker %s lost the database (%s: %s); reconnecting in %s s",
                    self.worker_id,
                    type(error).__name__,
                    str(error).strip(),
                    delay,
                )
                close_database_connections()
                time.sleep(delay)

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        except DATABASE_LOST as error:
            # The task's outcome could not be written. On a new connection, record it failed (when
            # the database answers), so it does not stay RUNNING; if that fails too, the loop waits
            # for the database and requeue_stale_mail recovers the task later.
            close_database_connections()
            logger.warning("Task id=%s lost the database (%s)", db_task_result.id, type(error).__name__)
            db_task_result.set_failed(error)


class Command(db_worker.Command):
    help = (
        "Run the mail worker: django-tasks-db's db_worker (same options) that reconnects when its "
        "database connection is lost instead of exiting."
    )

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = Worker  # the library's handle() builds its Worker by this name
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
