from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.accounts.pupils.actions import do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.core.actors import SystemActor
from klaspoort.schooladmin.actions import do_add_fixed_range, do_set_shortcut_restriction
from tests.accounts.pupils import roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted() -> tuple[roster.Classroom, str]:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    do_new_code(
        credential,
        actor=SystemActor("t"),
        school_ref=room.school.instelling_ref,
        kind=CodeKind.PIN,
        code="4821",
    )
    do_add_fixed_range(room.school, "203.0.113.0/24", actor=SystemActor("t"))
    do_set_shortcut_restriction(room.school, True, actor=SystemActor("t"))
    return room, reverse("pupils:code", args=[room.school.instelling_ref, room.group.uuid, credential.slug])


def test_from_the_school_network_every_step_works(restricted: tuple) -> None:
    room, code_url = restricted
    client = Client(REMOTE_ADDR="203.0.113.40")
    assert client.get(f"/s/{room.school.instelling_ref}/").status_code == 200
    assert client.get(f"/s/{room.school.instelling_ref}/{room.group.uuid}/").status_code == 200
    assert client.post(code_url, {"code": "4821"}).status_code == 302


def test_from_elsewhere_every_step_is_refused_kindly(restricted: tuple) -> None:
    room, code_url = restricted
    client = Client(REMOTE_ADDR="198.51.100.7")
    for response in (
        client.get(f"/s/{room.school.instelling_ref}/"),
        client.get(f"/s/{room.school.instelling_ref}/{room.group.uuid}/"),
        client.post(code_url, {"code": "4821"}),
    ):
        assert response.status_code == 403
        assert "Inloggen kan alleen op school" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_unrestricted_schools_work_from_anywhere() -> None:
    room = roster.classroom()
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert client.get(f"/s/{room.school.instelling_ref}/").status_code == 200
