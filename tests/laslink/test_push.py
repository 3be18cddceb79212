"""Pushed exports: 202 at once with a push to poll, imported by a worker, idempotent, kept apart per
vendor; the file's bytes are dropped after the run (tasks eager here; tests/jobs: a real worker)."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings

from klaspoort.audit.models import AuditEvent
from klaspoort.core import clock
from klaspoort.laslink import pushes, tasks
from klaspoort.laslink.actions import do_set_las_consent, do_switch_link
from klaspoort.laslink.models import LasAccessToken, LasLink, PushedFile
from klaspoort.laslink.tokens import do_revoke_vendor_tokens
from klaspoort.roster.importing import actions
from klaspoort.roster.models import ImportRun, Pupil, StaffPlacement
from tests.accounts.pupils import roster
from tests.laslink.conftest import DemoLas, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(vendor_a: Vendor, coordinators: list[StaffPlacement]) -> LasLink:
    do_switch_link(coordinators[0], vendor_a.vendor, True, actor="staff:test")
    return do_set_las_consent(vendor_a.vendor, coordinators[0].school, True)


def push(client: Client, vendor: Vendor, code: str, data: bytes) -> Any:
    return client.post(
        f"/las/v1/schools/{code}/edexml", data, content_type="application/xml", **vendor.auth()
    )


def test_a_push_is_answered_at_once_and_imported_by_the_worker(
    client: Client, vendor_a: Vendor, link: LasLink, las_server: tuple[DemoLas, str]
) -> None:
    code, data = link.school.code, las_server[0].exports[link.school.code]
    response = push(client, vendor_a, code, data)  # on_commit is not run: no worker has run yet
    assert response.status_code == 202
    body = response.json()
    stored = PushedFile.objects.get()
    assert (body["id"], body["status"], body["run"], body["new"]) == (stored.pk, "queued", None, True)
    assert response["Location"] == body["poll"] == f"/las/v1/schools/{code}/pushes/{stored.pk}"
    assert (bytes(stored.data), stored.size) == (data, len(data))
    assert (ImportRun.objects.count(), Pupil.objects.count()) == (0, 0)

    assert tasks.import_pushed.apply(args=[stored.pk]).get() == LasLink.Outcome.OK
    polled = client.get(body["poll"], **vendor_a.auth()).json()
    run = ImportRun.objects.get()
    assert (polled["status"], polled["run"], polled["import_status"], polled["outcome"]) == (
        "done", run.pk, "applied", "ok",
    )  # fmt: skip
    assert polled["counts"]["pupils"]["added"] == 40
    assert (run.source, run.actor, run.file_sha256) == ("automatic", "las:las-a", stored.sha256)
    stored.refresh_from_db()
    assert (bytes(stored.data), stored.sha256 == body["sha256"]) == (b"", True)  # only the hash is kept


def test_the_task_run_twice_imports_once(
    client: Client, vendor_a: Vendor, link: LasLink, las_server: tuple[DemoLas, str]
) -> None:
    push(client, vendor_a, link.school.code, las_server[0].exports[link.school.code])
    stored = PushedFile.objects.get()
    assert pushes.run_push(stored.pk) == "ok"
    assert pushes.run_push(stored.pk) == "done"
    assert ImportRun.objects.count() == 1


def test_the_same_file_again_answers_with_the_same_push(
    client: Client, vendor_a: Vendor, link: LasLink, las_server: tuple[DemoLas, str]
) -> None:
    las = las_server[0]
    code = link.school.code
    first = push(client, vendor_a, code, las.exports[code]).json()
    again = push(client, vendor_a, code, las.exports[code])
    assert (again.status_code, again.json()["id"], again.json()["new"]) == (202, first["id"], False)
    pushes.run_push(first["id"])
    assert push(client, vendor_a, code, las.exports[code]).json()["id"] == first["id"]  # still the newest run
    assert PushedFile.objects.count() == 1
    las.change(code, 2)
    changed = push(client, vendor_a, code, las.exports[code]).json()
    assert (changed["new"], PushedFile.objects.count()) == (True, 2)


def test_another_vendor_can_neither_push_nor_poll_and_nothing_is_stored(
    client: Client, vendor_a: Vendor, vendor_b: Vendor, link: LasLink, las_server: tuple[DemoLas, str]
) -> None:
    code = link.school.code
    assert push(client, vendor_b, code, las_server[0].exports[code]).status_code == 403
    assert PushedFile.objects.count() == 0
    mine = push(client, vendor_a, code, las_server[0].exports[code]).json()
    assert client.get(mine["poll"], **vendor_b.auth()).status_code == 403
    assert client.get(mine["poll"]).status_code == 401
    assert client.get(f"/las/v1/schools/34CD00/pushes/{mine['id']}", **vendor_a.auth()).status_code == 404
    with pytest.raises(pushes.PushRefused) as refused:
        pushes.do_accept_push(vendor_b.vendor, link, b"<EDEX/>")
    assert refused.value.status == 403
    assert PushedFile.objects.count() == 1


def test_a_link_ended_before_the_worker_ran_imports_nothing(
    client: Client, vendor_a: Vendor, link: LasLink, las_server: tuple[DemoLas, str]
) -> None:
    body = push(client, vendor_a, link.school.code, las_server[0].exports[link.school.code]).json()
    response = client.put(f"/las/v1/schools/{link.school.code}/link", json.dumps({"enabled": False}),
                          content_type="application/json", **vendor_a.auth())  # fmt: skip
    assert response.status_code == 200
    assert pushes.run_push(body["id"]) == "inactive"
    assert (ImportRun.objects.count(), bytes(PushedFile.objects.get().data)) == (0, b"")


def test_garbage_is_refused_by_the_import_and_the_poll_says_why(
    client: Client, vendor_a: Vendor, link: LasLink
) -> None:
    body = push(client, vendor_a, link.school.code, b"<EDEX><dit is geen edexml").json()
    assert pushes.run_push(body["id"]) == "refused"
    polled = client.get(body["poll"], **vendor_a.auth()).json()
    assert (polled["import_status"], len(polled["errors"]) > 0) == ("rejected", True)
    assert Pupil.objects.count() == 0


def test_a_push_whose_task_was_lost_is_queued_again_by_the_tick(
    client: Client, vendor_a: Vendor, link: LasLink, las_server: tuple[DemoLas, str]
) -> None:
    body = push(client, vendor_a, link.school.code, las_server[0].exports[link.school.code]).json()
    assert pushes.requeue_stale_pushes() == []
    PushedFile.objects.update(queued_at=clock.now() - pushes.REQUEUE_AFTER - dt.timedelta(seconds=1))
    LasLink.objects.update(next_run_at=clock.now() + dt.timedelta(hours=1))
    tasks.queue_due_syncs.apply().get()  # eager here: the requeued push runs at once
    assert PushedFile.objects.get(pk=body["id"]).status == "done"
    assert ImportRun.objects.get().status == "applied"


@override_settings(LAS_MAX_ATTEMPTS=2)
def test_an_internal_error_changes_nothing_and_after_the_last_try_the_push_is_failed(
    client: Client,
    vendor_a: Vendor,
    link: LasLink,
    las_server: tuple[DemoLas, str],
    monkeypatch: Any,
) -> None:
    data = las_server[0].exports[link.school.code]
    body = push(client, vendor_a, link.school.code, data).json()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    # inside the import: its own failed run is rolled back with the push's transaction
    monkeypatch.setattr(actions, "apply_plan", broken)
    with pytest.raises(RuntimeError):
        pushes.run_push(body["id"])
    stored = PushedFile.objects.get()
    assert (stored.status, stored.attempts, len(bytes(stored.data)) > 0) == ("queued", 1, True)
    assert (ImportRun.objects.count(), Pupil.objects.count()) == (0, 0)  # tried again: nothing yet
    with pytest.raises(RuntimeError):
        pushes.run_push(body["id"])
    stored.refresh_from_db()
    assert (stored.status, stored.outcome, stored.attempts, bytes(stored.data)) == ("done", "failed", 2, b"")
    assert Pupil.objects.count() == 0
    run = ImportRun.objects.get()
    reason = (
        "Het bestand dat LAS A automatisch stuurde, kon na 2 pogingen niet worden geïmporteerd door een "
        "interne fout bij ons; er is niets veranderd. Het wordt niet opnieuw geprobeerd: laat LAS A het "
        "bestand opnieuw sturen, of upload het zelf."
    )
    assert (run.school_id, run.source, run.status, run.actor, run.file_name) == (
        link.school_id, "automatic", "failed", "las:las-a", f"las-a:{link.school.code}",
    )  # fmt: skip
    assert (run.file_sha256, run.file_size, stored.run_id) == (stored.sha256, len(data), run.pk)
    assert [error["message"] for error in run.errors] == [reason]
    event = AuditEvent.objects.get(action="roster.import")
    assert (event.outcome, event.data["run"], event.data["source"]) == ("failed", run.pk, "automatic")
    link.refresh_from_db()
    assert (link.last_outcome, link.last_error) == ("failed", reason)
    polled = client.get(body["poll"], **vendor_a.auth()).json()
    assert (polled["outcome"], polled["run"], polled["import_status"]) == ("failed", run.pk, "failed")
    assert [error["message"] for error in polled["errors"]] == [reason]

    roster.sign_in_staff(
        client, StaffPlacement.objects.filter(school=link.school).first()
    )  # the coordinator sees it in the history, in English too
    history = client.get("/schoolbeheer/leerlinggegevens/").content.decode()
    assert f'href="/schoolbeheer/leerlinggegevens/import/{run.pk}/"' in history
    page = client.get(f"/schoolbeheer/leerlinggegevens/import/{run.pk}/").content.decode()
    assert html.escape(reason) in page
    client.cookies["django_language"] = "en"
    page = client.get(f"/schoolbeheer/leerlinggegevens/import/{run.pk}/").content.decode()
    assert (
        html.escape(
            "The file LAS A sent automatically could not be imported after 2 attempts because of an internal "
            "error on our side; nothing has changed. It will not be tried again: ask LAS A to send the file "
            "again, or upload it yourself."
        )
        in page
    )

    monkeypatch.undo()  # the same file pushed again is a new push, and it is imported
    again = push(client, vendor_a, link.school.code, data).json()
    assert (again["new"], again["id"] != body["id"]) == (True, True)
    assert pushes.run_push(again["id"]) == "ok"
    assert Pupil.objects.count() == 40


def platform(environ: dict[str, Any], start_response: Any) -> Any:
    """The platform in this thread, on the test's database connection (as the test client does it)."""
    from django.core.handlers.wsgi import WSGIHandler

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        return list(WSGIHandler()(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_demo_las_pushes_with_a_bearer_token_and_sends_its_secret_only_for_the_token(
    vendor_a: Vendor, link: LasLink, las_server: tuple[DemoLas, str]
) -> None:
    las, code = las_server[0], link.school.code
    seen: list[tuple[str, str, int]] = []

    def note(response: httpx.Response) -> None:
        scheme = response.request.headers.get("Authorization", "").split(" ")[0]
        seen.append((response.request.url.path, scheme, response.status_code))

    las.platform, las.client_id, las.secret = "http://testserver", vendor_a.vendor.client_id, vendor_a.secret
    las.http = httpx.Client(transport=httpx.WSGITransport(app=platform), event_hooks={"response": [note]})
    pushed = f"/las/v1/schools/{code}/edexml"

    assert las.push(code) == 202
    assert seen == [("/las/v1/token", "Basic", 200), (pushed, "Bearer", 202)]
    assert (LasAccessToken.objects.count(), PushedFile.objects.count()) == (1, 1)

    seen.clear()  # the next push uses the same token
    las.change(code, 2)
    assert las.push(code) == 202
    assert (seen, las.tokens_fetched, LasAccessToken.objects.count()) == ([(pushed, "Bearer", 202)], 1, 1)

    seen.clear()  # a token the platform refuses is fetched again, once
    do_revoke_vendor_tokens(vendor_a.vendor)
    las.change(code, 2)
    assert las.push(code) == 202
    assert seen == [(pushed, "Bearer", 401), ("/las/v1/token", "Basic", 200), (pushed, "Bearer", 202)]
    assert (las.tokens_fetched, LasAccessToken.objects.count(), PushedFile.objects.count()) == (2, 2, 3)
