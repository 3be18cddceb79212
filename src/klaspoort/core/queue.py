"""Handing work to the background workers (Celery), safely also in the embedded mode.

    from klaspoort.core.queue import enqueue
    enqueue(deliver_mails, ids)          # a worker runs it; with no broker it runs here and now

Without a broker (`make demo`, SQLite) tasks run eagerly in the process that queues them. Celery's own
eager path (`apply_async` under `task_always_eager`) flips a process-wide flag around the task
(`denied_join_result`) and restores the value it saw before: two requests queueing at once in a
threaded server can restore each other's "set" value and leave it set for good, after which every
`AsyncResult.get()` in that process fails with "Never call result.get() within a task!". `enqueue`
runs an eager task with `Task.apply` (the same run, the same propagation setting, no flag).
"""

from __future__ import annotations

from typing import Any

from celery import Task
from celery.result import AsyncResult, EagerResult


def enqueue(task: Task, *args: Any, **kwargs: Any) -> AsyncResult | EagerResult:
    """Queue `task(*args, **kwargs)` for a worker; run it at once when there is no broker."""
    if task.app.conf.task_always_eager:
        return task.apply(args=args, kwargs=kwargs)
    return task.apply_async(args=args, kwargs=kwargs)
