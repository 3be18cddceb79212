"""An import that removes a pupil ends the home sessions acting as that pupil at once."""

from __future__ import annotations

import pytest
from django.test import Client

from klaspoort.accounts.home.models import HomeAddress
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.audit.models import AuditEvent
from klaspoort.roster import signals
from klaspoort.roster.models import ImportRun
from tests.accounts.home.conftest import SANNE_PIN, Family, log_in_parent

pytestmark = pytest.mark.django_db


def test_removed_pupil_ends_the_home_session_but_not_the_siblings(family: Family, parent: Account) -> None:
    sanne_browser, daan_browser = Client(), Client()
    for browser, pupil, code in (
        (sanne_browser, family.sanne, SANNE_PIN),
        (daan_browser, family.daan, "ster,maan"),
    ):
        log_in_parent(browser)
        ref = HomeAddress.objects.get(pupil=pupil).uuid
        assert browser.post(f"/thuis/kinderen/{ref}/", {"code": code}).status_code == 302
    family.sanne.active = False
    family.sanne.save()
    signals.pupils_removed.send(
        sender=ImportRun,
        school=family.regenboog,
        pupil_uuids=[family.sanne.uuid, family.classmate.uuid],
        run=None,
    )
    assert AccountSession.objects.filter(account=parent).count() == 1
    assert sanne_browser.get("/portal/").status_code == 302
    assert daan_browser.get("/portal/").status_code == 200
    event = AuditEvent.objects.get(action="sessions.ended", data__reason="pupils_removed")
    assert (event.actor, event.data["count"]) == ("import", 1)
    assert HomeAddress.objects.filter(pupil=family.sanne).count() == 1  # kept for a pupil who returns
    log_in_parent(sanne_browser)
    assert (
        sanne_browser.get("/thuis/kinderen/")["Location"]
        == f"/thuis/kinderen/{HomeAddress.objects.get(pupil=family.daan).uuid}/"
    )


def test_removed_pupil_without_home_sessions_records_nothing(family: Family) -> None:
    signals.pupils_removed.send(
        sender=ImportRun, school=family.regenboog, pupil_uuids=[family.sanne.uuid], run=None
    )
    assert not AuditEvent.objects.filter(action="sessions.ended").exists()
