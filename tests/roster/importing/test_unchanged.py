"""`skip_unchanged` (the automatic link): the file of the school's last import, once more, is recorded
without being read or planned; anything that could make that file plan differently plans it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.staff import do_create_staff
from klaspoort.core.actors import SystemActor
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.importing import actions
from klaspoort.roster.models import ImportRun, StaffRole
from tests.roster.importing.conftest import Importer, set_today
from tests.roster.importing.database import roster_state
from tests.roster.importing.documents import STAFF, pupils, roster, shift_groups

pytestmark = pytest.mark.django_db
UNCHANGED = {"added": 0, "changed": 0, "removed": 0, "moved": 0}
WITH_SKIPPED = (*STAFF, STAFF[0].__class__("T9", "Zonder", "Groep", email="z@regenboog.nl"))


@pytest.fixture(autouse=True)
def december(monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, dt.date(2026, 12, 3))


def unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the file was read")

    monkeypatch.setattr(actions, "read_edexml", refuse)


def test_the_file_of_the_last_import_is_recorded_without_being_read(
    run_import: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = roster(pupils=pupils(30), staff=WITH_SKIPPED)
    first = run_import(doc, skip_unchanged=True)
    before = roster_state()
    unreadable(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        again = run_import(doc, skip_unchanged=True)
    assert again.status == "applied"
    assert roster_state() == before
    run = ImportRun.objects.get(pk=again.run.pk if again.run else None)
    assert run.file_sha256 == first.run.file_sha256 if first.run else False
    assert run.counts == {
        "groups": {**UNCHANGED, "unchanged": 4},
        "pupils": {**UNCHANGED, "unchanged": 30},
        "staff": {**UNCHANGED, "unchanged": 3},
    }
    assert first.run is not None
    assert run.skipped_staff == first.run.skipped_staff
    assert [skip["reason"] for skip in run.skipped_staff] == ["niet gekoppeld aan een groep"]
    assert run.report["counts"] == run.counts
    # the last run and hand-made staff (before, and again with the school locked), the lock, the run's
    # year, the run and its audit event, in a transaction (a savepoint in the test's)
    assert len(queries) == 10, [query["sql"][:90] for query in queries.captured_queries]


def test_the_same_number_of_queries_for_any_size(run_import: Importer) -> None:
    counts = []
    for size in (10, 200):
        doc = roster(pupils=pupils(size))
        assert run_import(doc, skip_unchanged=True).status == "applied"
        with CaptureQueriesContext(connection) as queries:
            run_import(doc, skip_unchanged=True)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_changed_file_is_planned_and_applied(run_import: Importer) -> None:
    doc = roster(pupils=pupils(30))
    run_import(doc, skip_unchanged=True)
    outcome = run_import(shift_groups(doc, every=10), skip_unchanged=True)
    assert (outcome.status, outcome.run.counts["pupils"]["moved"] if outcome.run else 0) == ("applied", 3)


def test_an_earlier_file_after_another_one_is_planned_again(run_import: Importer) -> None:
    doc = roster(pupils=pupils(30))
    run_import(doc, skip_unchanged=True)
    run_import(shift_groups(doc, every=10), skip_unchanged=True)
    outcome = run_import(doc, skip_unchanged=True)
    assert outcome.run is not None
    assert (outcome.status, outcome.run.counts["pupils"]["moved"]) == ("applied", 3)


def test_a_held_run_in_between_does_not_count(run_import: Importer, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = roster(pupils=pupils(10))
    run_import(doc, skip_unchanged=True)
    assert run_import(roster(pupils=pupils(5)), skip_unchanged=True).status == "held"
    before = roster_state()
    unreadable(monkeypatch)
    assert run_import(doc, skip_unchanged=True).status == "applied"
    assert roster_state() == before


def test_staff_placed_by_hand_since_means_the_file_is_planned(
    run_import: Importer, school: SchoolLocation
) -> None:
    doc = roster(pupils=pupils(10))
    run_import(doc, skip_unchanged=True)
    do_create_staff(school, "hand@regenboog.nl", roles=[StaffRole.ICT_COORDINATOR], actor=SystemActor("test"))
    outcome = run_import(doc, skip_unchanged=True)
    assert outcome.status == "applied"
    assert outcome.document is not None  # read and planned


def test_a_file_whose_year_is_over_is_refused_as_always(
    run_import: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = roster(pupils=pupils(10))
    run_import(doc, skip_unchanged=True)
    set_today(monkeypatch, dt.date(2027, 9, 1))
    assert run_import(doc, skip_unchanged=True).status == "rejected"


def test_without_skip_unchanged_the_file_is_planned(run_import: Importer) -> None:
    doc = roster(pupils=pupils(10))
    run_import(doc)
    outcome = run_import(doc)
    assert (outcome.status, outcome.document is not None) == ("applied", True)


def test_a_dry_run_is_always_planned(run_import: Importer) -> None:
    doc = roster(pupils=pupils(10))
    run_import(doc, skip_unchanged=True)
    outcome = run_import(doc, skip_unchanged=True, dry_run=True)
    assert (outcome.status, outcome.document is not None) == ("dry-run", True)
