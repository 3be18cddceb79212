"""Finding 11 of issue 12: a pupil's school session seen from another network goes back to the
picture step; within the school's network it goes on."""

from __future__ import annotations

import pytest
from django.test import Client

from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.audit.models import AuditEvent
from tests.accounts.pupils import roster
from tests.accounts.pupils.test_shortcut import code_url, set_code

pytestmark = pytest.mark.django_db

SCHOOL = "203.0.113.10"


def _signed_in(client: Client) -> roster.Classroom:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    set_code(credential, CodeKind.PIN, "4821")
    response = client.post(code_url(room, credential), {"code": "4821"}, REMOTE_ADDR=SCHOOL)
    assert response["Location"] == "/portal/"
    return room


def test_a_pupil_session_from_another_network_goes_back_to_the_picture_step(client: Client) -> None:
    room = _signed_in(client)
    key = client.session.session_key
    assert client.get("/leerling/", REMOTE_ADDR="203.0.113.77").status_code == 200  # same school network
    assert client.session.session_key == key
    moved = client.get("/leerling/", REMOTE_ADDR="198.51.100.4")
    assert moved.status_code == 302
    assert moved["Location"] == f"/s/{room.school.instelling_ref}/{room.group.uuid}/"
    assert SESSION_KEY not in client.session  # the pupil is signed out
    event = AuditEvent.objects.get(action="session.address_changed")
    assert (event.outcome, event.subject, event.client_ip, event.data["login"], event.data["previous_ip"]) == (
        "warned", f"pupil:{room.pupils['Anna'].uuid}", "198.51.100.4", "pupil", SCHOOL,
    )  # fmt: skip
    # Back at the school address the old session gives nothing either: the pupil logs in again.
    again = client.get("/leerling/", REMOTE_ADDR=SCHOOL)
    assert again.status_code == 403  # nobody signed in any more
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="session.address_changed").count() == 1
