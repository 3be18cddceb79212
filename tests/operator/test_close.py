"""Closing a school (A7): only once it imports by hand and has no partner selected; then its
sessions end, its shortcut says it is closed and its INSTELLING_REF is retired."""

from __future__ import annotations

from django.test import Client

from klaspoort.accounts.login import BACKEND
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.audit.models import AuditEvent
from klaspoort.core.clock import now
from klaspoort.federation.actions import do_withdraw_consent
from klaspoort.laslink.models import LasLink, LasVendor
from klaspoort.registry.models import RetiredInstellingRef, SchoolLocation
from klaspoort.roster.models import ImportRun, StaffPlacement
from tests.federation.factories import make_app, tick
from tests.operator.conftest import actor
from tests.roster import factories


def _automatic_import(school: SchoolLocation) -> None:
    vendor = LasVendor.objects.create(
        slug="parnassys", name="ParnasSys", client_id="parnassys", secret_hash="x"
    )
    LasLink.objects.create(school=school, vendor=vendor, las_enabled=True, school_enabled=True)


def _close(console: Client, school: SchoolLocation) -> tuple[int, str]:
    response = console.post(f"/beheer/scholen/{school.instelling_ref}/sluiten/")
    return response.status_code, response.content.decode()


def test_refused_while_linked_or_partners_selected(console: Client, school: SchoolLocation) -> None:
    _automatic_import(school)
    app, _secret = make_app()
    tick(school, app.partner)
    status, page = _close(console, school)
    assert status == 400
    assert "De school gebruikt nog de automatische koppeling" in page
    assert "De school heeft nog partners geselecteerd: Uitgeverij Noord." in page
    school.refresh_from_db()
    assert (school.active, school.closed_at) == (True, None)
    assert not RetiredInstellingRef.objects.filter(instelling_ref=school.instelling_ref).exists()
    assert not AuditEvent.objects.filter(action="school.closed").exists()


def test_close_ends_sessions_and_the_shortcut_says_closed(
    console: Client, operator: Account, school: SchoolLocation, teacher: StaffPlacement
) -> None:
    group = factories.group(school)
    factories.pupil(group, "Zoë")
    app, _secret = make_app()
    tick(school, app.partner)
    do_withdraw_consent(school, app.partner, actor="test")
    ImportRun.objects.create(
        school=school, source=ImportRun.Source.UPLOAD, status=ImportRun.Status.APPLIED, file_sha256="0" * 64,
        started_at=now(),
    )  # fmt: skip
    pupil_page = Client()
    assert pupil_page.get(f"/s/{school.instelling_ref}/").status_code == 200  # the card is cached now
    staff = Client()
    assert teacher.staff.account is not None
    staff.force_login(teacher.staff.account, backend=BACKEND)
    session = staff.session
    session[SESSION_KEY] = Principal(
        kind="staff",
        person=teacher.staff.uuid,
        school=school.instelling_ref,
        account=teacher.staff.account.uuid,
    ).to_session()
    session.save()
    assert AccountSession.objects.filter(school_ref=school.instelling_ref).count() == 1
    status, _page = _close(console, school)
    assert status == 302
    school.refresh_from_db()
    assert school.active is False
    assert school.closed_at is not None
    assert RetiredInstellingRef.objects.filter(instelling_ref=school.instelling_ref).exists()
    assert AccountSession.objects.filter(school_ref=school.instelling_ref).count() == 0
    closed = Client().get(f"/s/{school.instelling_ref}/")
    assert closed.status_code == 410
    assert "Deze school gebruikt klaspoort niet meer" in closed.content.decode()
    event = AuditEvent.objects.get(action="school.closed")
    assert (event.actor, event.data["sessions_ended"]) == (actor(operator), 1)
    again = _close(console, school)
    assert again[0] == 400
    assert "Deze school is al gesloten." in again[1]
