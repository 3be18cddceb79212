"""An import that removes pupils ends their own school sessions at once; everyone else stays in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klaspoort.accounts.models import AccountSession
from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.accounts.pupils.actions import do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.sessions import end_pupil_sessions
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.importing.actions import do_import_edexml
from klaspoort.roster.models import Group, Pupil
from tests.accounts.pupils import roster
from tests.roster import factories
from tests.roster.importing.documents import PUPILS, as_bytes
from tests.roster.importing.documents import roster as edex_roster

pytestmark = pytest.mark.django_db

PIN = "4821"


def _import(school: SchoolLocation, **changes: Any) -> None:
    outcome = do_import_edexml(
        school, as_bytes(edex_roster(**changes)), source="cli", actor="test", allow_mass_removal=True
    )
    assert outcome.status == "applied", outcome.errors


def _signed_in(school: SchoolLocation, las_key: str) -> Client:
    """A browser in which the pupil logged in with picture and PIN (the real pupil login)."""
    pupil = Pupil.objects.select_related("school").get(school=school, las_key=las_key)
    group = Group.objects.get(pupils=pupil, kind=Group.Kind.HOME)
    credential = roster.credentials(group)[pupil.first_name]
    do_new_code(
        credential, actor=SystemActor("test"), school_ref=school.instelling_ref, kind=CodeKind.PIN, code=PIN
    )
    browser = Client()
    url = reverse("pupils:code", args=[school.instelling_ref, group.uuid, credential.slug])
    assert browser.post(url, {"code": PIN}).status_code == 302
    assert browser.session[SESSION_KEY]["person"] == str(pupil.uuid)
    assert browser.get("/portal/").status_code == 200
    return browser


def test_pupils_removed_by_an_import_are_signed_out_on_their_next_request(
    django_capture_on_commit_callbacks: Any,
) -> None:
    school = do_register_school("12AB00", name="De Regenboog")
    with django_capture_on_commit_callbacks(execute=True):
        _import(school)
    emma, noah, sem, julia = (_signed_in(school, key) for key in ("L1", "L2", "L3", "L4"))
    sessions_before = AccountSession.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        _import(school, pupils=tuple(pupil for pupil in PUPILS if pupil.key not in {"L1", "L3"}))

    assert list(Pupil.objects.filter(active=False).values_list("las_key", flat=True).order_by("las_key")) == [
        "L1",
        "L3",
    ]
    assert AccountSession.objects.count() == sessions_before - 2
    for removed in (emma, sem):
        response = removed.get("/portal/")
        assert (response.status_code, response["Location"]) == (302, "/login/?next=/portal/")
    for classmate in (noah, julia):
        assert classmate.get("/portal/").status_code == 200
    event = AuditEvent.objects.get(action="sessions.ended", data__context="school")
    assert (event.actor, event.subject, event.data["reason"], event.data["count"]) == (
        "import",
        "school:12AB00",
        "pupils_removed",
        2,
    )


def test_ending_is_batched_and_leaves_other_schools_and_people_alone(django_assert_num_queries: Any) -> None:
    here, there = roster.classroom("12AB00"), roster.classroom("34CD00")
    browsers = {}
    for room in (here, there):
        credentials = roster.credentials(room.group)
        for name in ("Anna", "Bram", "Chloe"):
            credential = credentials[name]
            do_new_code(
                credential,
                actor=SystemActor("test"),
                school_ref=room.school.instelling_ref,
                kind=CodeKind.PIN,
                code=PIN,
            )
            browser = Client()
            url = reverse("pupils:code", args=[room.school.instelling_ref, room.group.uuid, credential.slug])
            assert browser.post(url, {"code": PIN}).status_code == 302
            browsers[room.school.code, name] = browser
    teacher = factories.staff(here.school, "juf@regenboog.example", groups=(here.group,))
    staff_browser = Client()
    roster.sign_in_staff(staff_browser, teacher)
    gone = [here.pupils["Anna"].uuid, here.pupils["Chloe"].uuid, there.pupils["Bram"].uuid]

    with CaptureQueriesContext(connection) as queries:
        assert end_pupil_sessions(here.school.instelling_ref, gone) == 2
    # The school's live sessions, one delete; then the back-channel logout (federation.oidc, a
    # `principals_ended` listener) looks up the partner sign-ins of all ended sessions at once.
    assert [re.findall(r'^(\w+) .*?(?:FROM|INTO) "(\w+)"', query["sql"])[0] for query in queries] == [
        ("SELECT", "accounts_accountsession"),
        ("DELETE", "accounts_accountsession"),
        ("SELECT", "federation_oidcgrant"),
    ]

    still_in = {key for key, browser in browsers.items() if browser.get("/portal/").status_code == 200}
    assert still_in == {("12AB00", "Bram"), ("34CD00", "Anna"), ("34CD00", "Bram"), ("34CD00", "Chloe")}
    assert staff_browser.get("/portal/").status_code == 200
    with django_assert_num_queries(0):
        assert end_pupil_sessions(here.school.instelling_ref, []) == 0
