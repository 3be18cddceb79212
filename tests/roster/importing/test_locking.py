"""Two imports for one school never interleave: the second waits for the first and then plans
against the roster the first one left. Runs against the configured database (SQLite: BEGIN
IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE on the school)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from klaspoort.registry.actions import do_register_school
from klaspoort.roster.importing import actions
from klaspoort.roster.importing.actions import ImportOutcome, do_import_edexml
from klaspoort.roster.importing.locking import lock_school
from klaspoort.roster.models import ImportRun, Pupil, StaffMember
from tests.roster.importing.documents import as_bytes, roster


def _in_thread(target: Any, results: list[Any]) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        except BaseException as exc:  # report to the test thread
            results.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_second_import_waits_and_sees_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    school = do_register_school("12AB00", name="De Regenboog")
    data = as_bytes(roster())
    inside, release = threading.Event(), threading.Event()
    real_apply = actions.apply_plan

    def slow_apply(*args: Any, **kwargs: Any) -> Any:
        applied = real_apply(*args, **kwargs)
        if not inside.is_set():  # only the first import pauses, holding its lock
            inside.set()
            assert release.wait(20)
        return applied

    monkeypatch.setattr(actions, "apply_plan", slow_apply)
    first: list[ImportOutcome] = []
    second: list[ImportOutcome] = []
    one = _in_thread(lambda: do_import_edexml(school, data, source="cli", actor="one"), first)
    assert inside.wait(20)
    two = _in_thread(lambda: do_import_edexml(school, data, source="cli", actor="two"), second)
    two.join(0.5)
    assert two.is_alive(), "the second import did not wait for the first"
    release.set()
    one.join(20)
    two.join(20)

    assert [outcome.status for outcome in first + second] == ["applied", "applied"], first + second
    assert second[0].plan is not None
    assert second[0].plan.counts()["pupils"] == {
        "added": 0,
        "changed": 0,
        "removed": 0,
        "unchanged": 4,
        "moved": 0,
    }
    assert (Pupil.objects.count(), StaffMember.objects.count(), ImportRun.objects.count()) == (4, 3, 2)


@pytest.mark.django_db(transaction=True)
def test_lock_needs_a_transaction() -> None:
    school = do_register_school("12AB00", name="De Regenboog")
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        lock_school(school)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_upload_that_must_not_wait_is_told_to_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """The web upload (`wait=False`) during another import: refused at once with the busy message,
    recorded, nothing changed (PostgreSQL NOWAIT; SQLite serialises writers, so no such refusal)."""
    assert connection.vendor == "postgresql"
    school = do_register_school("12AB00", name="De Regenboog")
    data = as_bytes(roster())
    inside, release = threading.Event(), threading.Event()
    real_apply = actions.apply_plan

    def slow_apply(*args: Any, **kwargs: Any) -> Any:
        applied = real_apply(*args, **kwargs)
        inside.set()
        assert release.wait(20)
        return applied

    monkeypatch.setattr(actions, "apply_plan", slow_apply)
    first: list[ImportOutcome] = []
    one = _in_thread(lambda: do_import_edexml(school, data, source="cli", actor="one"), first)
    assert inside.wait(20)
    try:
        outcome = do_import_edexml(school, data, source="upload", actor="two", dry_run=True, wait=False)
    finally:
        release.set()
        one.join(20)
    assert not isinstance(first[0], BaseException), repr(first[0])
    assert outcome.status == "rejected"
    assert outcome.errors[0].message.startswith(
        "Er wordt op dit moment al een import voor deze school verwerkt."
    )
    assert sorted(ImportRun.objects.values_list("actor", "status")) == [
        ("one", "applied"),
        ("two", "rejected"),
    ]
    assert Pupil.objects.count() == 4
