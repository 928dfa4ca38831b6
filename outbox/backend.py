"""The task queue's backend: django-tasks-db's, with the task's row written by `common.rows`."""

from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult

from common import rows


class OutboxBackend(DatabaseBackend):
    """Every sign-up queues a mail, and so a task: its row is written with a statement written once
    instead of through the ORM's `create()` (docs/performance.md). The row is the one
    `DatabaseBackend._task_to_db_task` writes, with the same values and signals."""

    def _task_to_db_task(self, task, args, kwargs) -> DBTaskResult:
        db_task = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        rows.create(db_task)
        return db_task
