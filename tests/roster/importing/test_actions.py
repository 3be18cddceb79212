"""do_import_edexml: guard, run records, audit, signals after commit, batched queries."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klaspoort.audit.models import AuditEvent
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster import signals
from klaspoort.roster.edexml.generator import generate_roster
from klaspoort.roster.importing.actions import _import, do_import_edexml
from klaspoort.roster.models import ImportRun, Pupil, SchoolYear, StaffMember
from tests.roster.importing.conftest import Importer
from tests.roster.importing.database import roster_state
from tests.roster.importing.documents import PUPILS, STAFF, as_bytes, pupils, roster, shift_groups

pytestmark = pytest.mark.django_db


@pytest.fixture
def received() -> Any:
    calls: list[tuple[str, dict[str, Any]]] = []

    def receiver(name: str) -> Callable[..., None]:
        def handle(sender: Any, **kwargs: Any) -> None:
            calls.append((name, kwargs))

        return handle

    handlers = {name: receiver(name) for name in ("staff_added", "staff_access_removed", "pupils_removed")}
    for name, handler in handlers.items():
        getattr(signals, name).connect(handler)
    yield calls
    for name, handler in handlers.items():
        getattr(signals, name).disconnect(handler)


def test_mass_removal_is_held_and_changes_nothing(run_import: Importer) -> None:
    run_import(roster(pupils=pupils(10)))
    before = roster_state()

    outcome = run_import(roster(pupils=pupils(6)))

    assert outcome.status == "held"
    assert [problem.message for problem in outcome.errors] == [
        "Deze import zou 4 van de 10 actieve leerlingen verwijderen (40 %, meer dan 30 %). Controleer het "
        "bestand; is het juist, importeer dan opnieuw met toestemming voor massaal verwijderen "
        "(--allow-mass-removal)."
    ]
    assert roster_state() == before
    run = ImportRun.objects.get(pk=outcome.run.pk if outcome.run else None)
    assert (run.status, run.counts["pupils"]["removed"]) == ("held", 4)


def test_mass_removal_applies_when_allowed(run_import: Importer) -> None:
    run_import(roster(pupils=pupils(10)))

    outcome = run_import(roster(pupils=pupils(6)), allow_mass_removal=True)

    assert outcome.status == "applied"
    assert Pupil.objects.filter(active=True).count() == 6
    assert ImportRun.objects.get(pk=outcome.run.pk if outcome.run else None).mass_removal_allowed is True


def test_thirty_percent_is_still_allowed(run_import: Importer) -> None:
    run_import(roster(pupils=pupils(10)))
    assert run_import(roster(pupils=pupils(7))).status == "applied"


def test_run_is_recorded_with_counts_and_audit_event(run_import: Importer, school: SchoolLocation) -> None:
    bad_staff = (*STAFF, STAFF[0].__class__("T9", "Zonder", "Groep", email="z@regenboog.nl"))
    outcome = run_import(roster(staff=bad_staff))

    run = ImportRun.objects.get()
    assert outcome.run == run
    assert (run.school, run.school_year.label if run.school_year else None, run.actor) == (
        school,
        "2026-2027",
        "test",
    )
    assert (run.source, run.status, run.file_name, len(run.file_sha256)) == ("cli", "applied", "", 64)
    assert run.counts["pupils"] == {"added": 4, "changed": 0, "removed": 0, "unchanged": 0, "moved": 0}
    assert run.skipped_staff == [  # Dutch for tools, the message id to show it in another language
        {
            "key": "T9",
            "reason": "niet gekoppeld aan een groep",
            "line": run.skipped_staff[0]["line"],
            "reasons": [{"message": "niet gekoppeld aan een groep", "msgid": "niet gekoppeld aan een groep"}],
        }
    ]
    assert run.skipped_staff[0]["line"] > 0
    assert run.errors == []
    assert run.duration_ms >= 0
    event = AuditEvent.objects.get(action="roster.import")
    assert (event.outcome, event.subject, event.school_ref) == (
        "applied",
        "school:12AB00",
        school.instelling_ref,
    )
    assert event.data["run"] == run.pk


def test_dry_run_changes_nothing(run_import: Importer) -> None:
    before = roster_state()

    outcome = run_import(roster(), dry_run=True)

    assert outcome.status == "dry-run"
    assert outcome.plan is not None
    assert outcome.plan.counts()["pupils"]["added"] == 4
    assert roster_state() == before
    assert ImportRun.objects.get().status == "dry-run"


def test_signals_are_sent_only_after_commit(
    run_import: Importer, received: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_import(roster())
    assert received == []
    for callback in callbacks:
        callback()
    added = dict(received)["staff_added"]
    assert sorted(added["staff_uuids"]) == sorted(StaffMember.objects.values_list("uuid", flat=True))
    assert added["school"].code == "12AB00"
    assert isinstance(added["run"], ImportRun)

    received.clear()
    noah = Pupil.objects.get(las_key="L2")
    petra = StaffMember.objects.get(email="petra.visser@regenboog.nl")
    with django_capture_on_commit_callbacks(execute=True):
        run_import(
            roster(pupils=tuple(p for p in PUPILS if p.key != "L2"), staff=STAFF[:2]), allow_mass_removal=True
        )
    assert [(name, kwargs.get("pupil_uuids", kwargs.get("staff_uuids"))) for name, kwargs in received] == [
        ("staff_access_removed", [petra.uuid]),
        ("pupils_removed", [noah.uuid]),
    ]


def test_no_signals_for_a_refused_import(
    run_import: Importer, received: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_import(roster(), dry_run=True)
    assert (callbacks, received) == ([], [])


def _queries(run: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as context:
        run()
    return len(context.captured_queries)


@pytest.mark.parametrize("scenario", ["first", "unchanged", "moved"])
def test_query_count_does_not_depend_on_roster_size(scenario: str, run_import: Importer) -> None:
    SchoolYear.objects.create(start_year=2026)  # exists for both sizes
    counts = []
    for size, code in ((50, "12AB01"), (200, "12AB02")):
        target = do_register_school(code, name=f"School {size}")
        doc = generate_roster(code, size, seed=3, year="2026-2027")
        if scenario != "first":
            run_import(doc, target)
        if scenario == "moved":
            doc = shift_groups(doc, every=10)
        counts.append(_queries(lambda doc=doc, target=target: run_import(doc, target)))
    assert counts[0] == counts[1]


def test_internal_error_changes_nothing_and_is_recorded(
    run_import: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klaspoort.roster.importing import actions

    run_import(roster())
    before = roster_state()

    def broken(plan: Any, school: Any, *, now: Any) -> Any:
        Pupil.objects.all().delete()  # half-way writes must roll back
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "apply_plan", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run_import(roster(pupils=PUPILS[:3]))

    assert roster_state() == before
    run = ImportRun.objects.order_by("id").last()
    assert run is not None
    assert (run.status, run.errors) == (
        "failed",
        [
            {
                "line": 0,
                "message": "De import is mislukt door een interne fout; er is niets veranderd.",
                "msgid": "De import is mislukt door een interne fout; er is niets veranderd.",
            }
        ],
    )


def test_no_garbage_collection_runs_during_an_import(school: SchoolLocation) -> None:
    """Full collections over the import's many new objects made time grow faster than roster size.
    (Checked inside `_import`, the part run with the collector paused.)"""
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        frame = sys._getframe()
        while frame is not None and phase == "start":
            if frame.f_code is _import.__code__:
                collections.append(info["generation"])
                return
            frame = frame.f_back  # type: ignore[assignment]

    data = as_bytes(roster(pupils=pupils(40)))
    old_threshold = gc.get_threshold()
    gc.set_threshold(1, 1, 1)  # with the collector on, almost every allocation would collect
    gc.callbacks.append(count)
    try:
        outcome = do_import_edexml(school, data, source=ImportRun.Source.CLI, actor="test")
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*old_threshold)

    assert (outcome.status, collections) == ("applied", [])
    assert gc.isenabled() is True
    assert Pupil.objects.filter(active=True).count() == 40
