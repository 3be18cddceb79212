"""enqueue: eager tasks from several threads leave Celery's join guard as they found it."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from celery import Celery
from celery._state import _set_task_join_will_block, task_join_will_block
from celery.result import EagerResult

from klaspoort.core.queue import enqueue


@pytest.fixture
def eager_app() -> Any:
    app = Celery("queue-test", set_as_current=False)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    gates: dict[str, threading.Event] = {"a": threading.Event(), "b": threading.Event()}
    started: dict[str, threading.Event] = {"a": threading.Event(), "b": threading.Event()}

    name = f"queue-test.wait.{uuid.uuid4().hex}"  # a fresh name: Celery warns about a reused one

    @app.task(name=name)
    def wait(name: str) -> str:
        started[name].set()
        assert gates[name].wait(10)
        return name

    yield app, app.tasks[name], gates, started
    _set_task_join_will_block(False)


def _overlap(queue: Any, wait: Any, gates: dict[str, threading.Event], started: Any) -> list[Any]:
    """A starts, B starts while A runs, A ends first, then B: the order that confuses Celery's guard."""
    results: list[Any] = []
    threads = {name: threading.Thread(target=lambda n=name: results.append(queue(wait, n))) for name in "ab"}
    threads["a"].start()
    assert started["a"].wait(10)
    threads["b"].start()
    assert started["b"].wait(10)
    gates["a"].set()
    threads["a"].join(10)
    gates["b"].set()
    threads["b"].join(10)
    return results


def test_overlapping_eager_tasks_leave_the_join_guard_unset(eager_app: Any) -> None:
    _app, wait, gates, started = eager_app
    results = _overlap(enqueue, wait, gates, started)
    assert sorted(result.get() for result in results) == ["a", "b"]
    assert all(isinstance(result, EagerResult) for result in results)
    assert task_join_will_block() is False


def test_celerys_own_eager_path_is_what_enqueue_avoids(eager_app: Any) -> None:
    """The reason for enqueue: apply_async in eager mode leaves the guard set after this overlap."""
    _app, wait, gates, started = eager_app
    _overlap(lambda task, name: task.apply_async(args=(name,)), wait, gates, started)
    assert task_join_will_block() is True


def test_with_a_broker_the_task_is_sent_not_run(eager_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app, wait, _gates, started = eager_app
    app.conf.task_always_eager = False
    sent: list[tuple[Any, Any]] = []
    monkeypatch.setattr(wait, "apply_async", lambda args=None, kwargs=None: sent.append((args, kwargs)))
    enqueue(wait, "a")
    assert sent == [(("a",), {})]
    assert not started["a"].is_set()
