"""The automatic LAS link: consent on both sides, pull and push through the one import action,
vendors kept apart, faults that cost only one school's run (demo LAS on loopback, tasks eager)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from klaspoort.audit.models import AuditEvent
from klaspoort.core import clock
from klaspoort.laslink import sync, tasks
from klaspoort.laslink.actions import LinkError, do_rotate_vendor_secret, do_set_las_consent, do_switch_link
from klaspoort.laslink.credentials import authenticate
from klaspoort.laslink.models import LasLink
from klaspoort.laslink.schedule import night_slot
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import ImportRun, Pupil, StaffPlacement
from tests.laslink.conftest import DemoLas, Vendor
from tests.roster import factories

pytestmark = pytest.mark.django_db


def _consent(client: Client, vendor: Vendor, code: str, enabled: bool, **auth: str) -> tuple[int, dict]:
    response = client.put(
        f"/las/v1/schools/{code}/link", json.dumps({"enabled": enabled}), content_type="application/json",
        **(auth or vendor.auth()),
    )  # fmt: skip
    return response.status_code, response.json()


def _link_both(client: Client, vendor: Vendor, coordinator: StaffPlacement) -> LasLink:
    do_switch_link(coordinator, vendor.vendor, True, actor="staff:test")
    status, _ = _consent(client, vendor, coordinator.school.code, True)
    assert status == 200
    return LasLink.objects.get(school=coordinator.school)


def test_the_link_runs_only_when_both_sides_consent(
    client: Client, vendor_a: Vendor, coordinators: list[StaffPlacement], las_server: tuple[DemoLas, str]
) -> None:
    school = coordinators[0].school
    do_switch_link(coordinators[0], vendor_a.vendor, True, actor="staff:test")
    assert LasLink.objects.active().count() == 0
    assert tasks.queue_due_syncs.delay().get() == 0
    status, state = _consent(client, vendor_a, school.code, True)
    assert (status, state["active"], state["las_enabled"], state["school_enabled"]) == (200, True, True, True)
    assert tasks.queue_due_syncs.delay().get() == 1
    run = ImportRun.objects.get(school=school)
    assert (run.source, run.status, run.actor) == (
        ImportRun.Source.AUTOMATIC,
        ImportRun.Status.APPLIED,
        "las:las-a",
    )
    assert Pupil.objects.filter(school=school, active=True).count() == 40
    link = LasLink.objects.get(school=school)
    assert link.last_outcome == LasLink.Outcome.OK
    assert link.next_run_at == night_slot(school.code, link.last_run_at)
    assert tasks.queue_due_syncs.delay().get() == 0  # not due again before tonight
    # The LAS ends it: back to manual upload, nothing runs any more.
    assert _consent(client, vendor_a, school.code, False)[1]["active"] is False
    LasLink.objects.update(next_run_at=clock.now())
    assert tasks.queue_due_syncs.delay().get() == 0
    assert las_server[0].pulls == 1


def test_another_vendor_cannot_read_or_write_the_school(
    client: Client, vendor_a: Vendor, vendor_b: Vendor, coordinators: list[StaffPlacement]
) -> None:
    school = coordinators[0].school
    link = _link_both(client, vendor_a, coordinators[0])
    before = (LasLink.objects.values().get(pk=link.pk), ImportRun.objects.count(), AuditEvent.objects.count())
    assert client.get(f"/las/v1/schools/{school.code}/link", **vendor_b.auth()).status_code == 403
    assert _consent(client, vendor_b, school.code, False)[0] == 403
    assert _consent(client, vendor_b, school.code, True)[0] == 403
    pushed = client.post(f"/las/v1/schools/{school.code}/edexml", b"<EDEX/>", content_type="application/xml",
                         **vendor_b.auth())  # fmt: skip
    assert pushed.status_code == 403
    assert (
        LasLink.objects.values().get(pk=link.pk),
        ImportRun.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_a_wrong_or_missing_credential_is_refused_and_changes_nothing(
    client: Client, vendor_a: Vendor, schools: list[SchoolLocation]
) -> None:
    code = schools[0].code
    assert _consent(client, vendor_a, code, True, **vendor_a.auth("wrong"))[0] == 401
    assert (
        client.put(f"/las/v1/schools/{code}/link", "{}", content_type="application/json").status_code == 401
    )
    assert authenticate("no-such-client", vendor_a.secret) is None
    assert LasLink.objects.count() == 0


def test_a_rotated_secret_keeps_the_old_one_working_for_the_grace_period(vendor_a: Vendor) -> None:
    new = do_rotate_vendor_secret(vendor_a.vendor, grace=dt.timedelta(hours=1))
    client_id = vendor_a.vendor.client_id
    assert authenticate(client_id, new) == vendor_a.vendor
    assert authenticate(client_id, vendor_a.secret) == vendor_a.vendor
    vendor_a.vendor.previous_valid_until = clock.now() - dt.timedelta(seconds=1)
    vendor_a.vendor.save()
    assert authenticate(client_id, vendor_a.secret) is None
    assert authenticate(client_id, new) == vendor_a.vendor


def test_a_pushed_export_is_imported_as_an_automatic_run(
    client: Client,
    vendor_a: Vendor,
    coordinators: list[StaffPlacement],
    las_server: tuple[DemoLas, str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    school = coordinators[0].school
    _link_both(client, vendor_a, coordinators[0])
    las, _ = las_server
    with django_capture_on_commit_callbacks(execute=True):  # no broker here: the task runs at once
        response = client.post(f"/las/v1/schools/{school.code}/edexml", las.exports[school.code],
                               content_type="application/xml", **vendor_a.auth())  # fmt: skip
    assert response.status_code == 202
    polled = client.get(response["Location"], **vendor_a.auth()).json()
    assert (polled["status"], polled["import_status"], polled["outcome"]) == ("done", "applied", "ok")
    assert list(ImportRun.objects.values_list("source", "status")) == [("automatic", "applied")]
    assert las.pulls == 0


def test_a_push_before_both_sides_consent_is_refused(
    client: Client, vendor_a: Vendor, coordinators: list[StaffPlacement], las_server: tuple[DemoLas, str]
) -> None:
    school = coordinators[0].school
    assert _consent(client, vendor_a, school.code, True)[0] == 200
    response = client.post(f"/las/v1/schools/{school.code}/edexml", las_server[0].exports[school.code],
                           content_type="application/xml", **vendor_a.auth())  # fmt: skip
    assert response.status_code == 409
    assert ImportRun.objects.count() == 0


def test_an_erring_las_costs_only_that_schools_run(
    client: Client,
    vendor_a: Vendor,
    coordinators: list[StaffPlacement],
    las_server: tuple[DemoLas, str],
    settings,
) -> None:
    settings.LAS_MAX_ATTEMPTS = 3
    las, _ = las_server
    links = [_link_both(client, vendor_a, placement) for placement in coordinators]
    las.modes[coordinators[0].school.code] = "error"
    assert tasks.queue_due_syncs.delay().get() == 3
    erring = LasLink.objects.get(pk=links[0].pk)
    assert (erring.last_outcome, erring.attempts) == (LasLink.Outcome.RETRYING, 1)
    assert erring.last_error == "Het administratiesysteem gaf een fout (503)."
    assert erring.next_run_at - erring.last_run_at == dt.timedelta(minutes=1)
    assert sorted(LasLink.objects.exclude(pk=erring.pk).values_list("last_outcome", flat=True)) == [
        "ok",
        "ok",
    ]
    for _attempt in (2, 3):
        LasLink.objects.filter(pk=erring.pk).update(next_run_at=clock.now())
        assert tasks.queue_due_syncs.delay().get() == 1
        erring.refresh_from_db()
    assert (erring.last_outcome, erring.attempts) == (LasLink.Outcome.FAILED, 0)
    assert erring.next_run_at == night_slot(erring.school.code, erring.last_run_at)
    assert ImportRun.objects.filter(school=erring.school).count() == 0
    assert ImportRun.objects.filter(status="applied").count() == 2


@pytest.mark.parametrize(
    ("mode", "reason_start"),
    [("garbage", "Het bestand is geen geldige XML"), ("other-school", "Dit bestand is van")],
)
def test_garbage_or_another_schools_file_is_refused_like_an_upload(  # noqa: PLR0917
    client: Client, vendor_a: Vendor, coordinators: list[StaffPlacement], las_server: tuple[DemoLas, str],
    mode: str, reason_start: str,
) -> None:  # fmt: skip
    school = coordinators[0].school
    link = _link_both(client, vendor_a, coordinators[0])
    las_server[0].modes[school.code] = mode
    assert sync.run_sync(link.pk) == LasLink.Outcome.REFUSED
    link.refresh_from_db()
    run = ImportRun.objects.get()
    assert (run.source, run.status) == ("automatic", "rejected")
    assert link.next_run_at == night_slot(school.code, link.last_run_at)  # not retried: the same file fails
    assert Pupil.objects.filter(school=school).count() == 0
    assert link.last_error.startswith(reason_start), link.last_error


def test_a_mass_removal_is_held_and_the_coordinator_is_mailed(
    client: Client, vendor_a: Vendor, coordinators: list[StaffPlacement], las_server: tuple[DemoLas, str]
) -> None:
    school = coordinators[0].school
    link = _link_both(client, vendor_a, coordinators[0])
    assert sync.run_sync(link.pk) == LasLink.Outcome.OK
    mail.outbox.clear()
    las_server[0].modes[school.code] = "half"
    assert sync.run_sync(link.pk) == LasLink.Outcome.HELD
    assert Pupil.objects.filter(school=school, active=True).count() == 40
    assert [run.status for run in ImportRun.objects.order_by("started_at", "id")] == ["applied", "held"]
    assert [message.to for message in mail.outbox] == [["ict0@school.example"]]
    assert mail.outbox[0].subject == f"De automatische import voor {school.name} is tegengehouden"


def test_a_sync_run_twice_leaves_the_roster_as_one_run(
    client: Client, vendor_a: Vendor, coordinators: list[StaffPlacement], las_server: tuple[DemoLas, str]
) -> None:
    school = coordinators[0].school
    link = _link_both(client, vendor_a, coordinators[0])
    las_server[0].change(school.code, 4)
    assert sync.run_sync(link.pk) == LasLink.Outcome.OK
    state = sorted(Pupil.objects.filter(school=school).values_list("las_key", "active", "first_name"))
    assert sync.run_sync(link.pk) == LasLink.Outcome.OK
    assert sorted(Pupil.objects.filter(school=school).values_list("las_key", "active", "first_name")) == state
    second = ImportRun.objects.order_by("-started_at", "-id").first()
    assert second is not None
    assert second.counts["pupils"]["added"] == 0


def test_only_the_coordinator_switches_the_link(vendor_a: Vendor, schools: list[SchoolLocation]) -> None:
    teacher = factories.staff(schools[0], "juf@school.example")
    with pytest.raises(LinkError):
        do_switch_link(teacher, vendor_a.vendor, True, actor="staff:juf")
    assert LasLink.objects.count() == 0


def test_at_most_max_concurrency_syncs_of_one_vendor_run_at_once(vendor_a: Vendor) -> None:
    with (
        tasks.vendor_slot(vendor_a.vendor.pk, 2) as first,
        tasks.vendor_slot(vendor_a.vendor.pk, 2) as second,
    ):
        with tasks.vendor_slot(vendor_a.vendor.pk, 2) as third:
            assert (first, second, third) == (True, True, False)
        with tasks.vendor_slot(vendor_a.vendor.pk + 1, 2) as other_vendor:
            assert other_vendor is True
    with tasks.vendor_slot(vendor_a.vendor.pk, 2) as again:
        assert again is True


def test_night_slots_are_spread_over_the_window_and_stable(settings) -> None:
    settings.LAS_NIGHT_WINDOW = "01:00-05:00"
    after = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
    slots = [night_slot(f"{index:02d}AB00", after) for index in range(100)]
    local = [slot.astimezone(dt.timezone(dt.timedelta(hours=1))) for slot in slots]
    assert all(moment.date() == dt.date(2026, 12, 4) and 1 <= moment.hour < 5 for moment in local)
    assert len({slot.minute // 15 + 4 * slot.hour for slot in slots}) > 8  # not bunched
    assert night_slot("12AB00", after) == night_slot("12AB00", after + dt.timedelta(hours=3))


def test_do_set_las_consent_for_an_unlinked_school_waits_for_the_coordinator(
    vendor_a: Vendor, schools: list[SchoolLocation]
) -> None:
    link = do_set_las_consent(vendor_a.vendor, schools[0], True)
    assert (link.las_enabled, link.school_enabled, link.is_active) == (True, False, False)
