"""The shortcut's cached cards never let a change wait for their expiry where it matters."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.accounts.pupils.actions import do_new_code, do_set_picture
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.core.actors import SystemActor
from klaspoort.schooladmin.actions import do_add_fixed_range, do_set_shortcut_restriction
from tests.accounts.pupils import roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def warm() -> tuple[roster.Classroom, dict[str, PupilCredential], Client]:
    room = roster.classroom()
    found = roster.credentials(room.group)
    browser = Client(REMOTE_ADDR="203.0.113.9")
    for url in (f"/s/{room.school.instelling_ref}/", f"/s/{room.school.instelling_ref}/{room.group.uuid}/"):
        assert browser.get(url).status_code == 200
    return room, found, browser


def grid(browser: Client, room: roster.Classroom) -> str:
    return browser.get(f"/s/{room.school.instelling_ref}/{room.group.uuid}/").content.decode()


def test_a_new_picture_shows_at_once(warm: tuple) -> None:
    room, found, browser = warm
    anna = found["Anna"]
    taken = {credential.picture for credential in found.values()}
    new = next(key for key in ("ballon", "ijsje", "boom", "huis") if key not in taken)
    do_set_picture(anna, new, group=room.group, actor=SystemActor("t"), school_ref=room.school.instelling_ref)
    shown = re.findall(
        r'data-picture="([^"]+)"><svg[^>]*>.*?<span class="name">([^<]+)</span>', grid(browser, room)
    )
    assert (new, "Anna") in shown
    code_page = browser.get(
        f"/s/{room.school.instelling_ref}/{room.group.uuid}/{anna.slug}/"
    ).content.decode()
    assert f'data-picture="{new}"' in code_page


def test_a_new_code_kind_shows_at_once(warm: tuple) -> None:
    room, found, browser = warm
    url = f"/s/{room.school.instelling_ref}/{room.group.uuid}/{found['Anna'].slug}/"
    assert 'inputmode="numeric"' in browser.get(url).content.decode()
    do_new_code(
        found["Anna"], actor=SystemActor("t"), school_ref=room.school.instelling_ref, kind=CodeKind.PICTURES
    )
    html = browser.get(url).content.decode()
    assert 'inputmode="numeric"' not in html
    assert len(re.findall('class="picture-choice"', html)) == 9


def test_restricting_to_the_school_network_applies_at_once(warm: tuple) -> None:
    room, _found, browser = warm
    do_add_fixed_range(room.school, "198.51.100.0/24", actor=SystemActor("t"))
    do_set_shortcut_restriction(room.school, True, actor=SystemActor("t"))
    assert browser.get(f"/s/{room.school.instelling_ref}/").status_code == 403
    assert browser.get(f"/s/{room.school.instelling_ref}/{room.group.uuid}/").status_code == 403


def test_a_pupil_deactivated_by_an_import_cannot_log_in_even_while_the_card_shows_them(warm: tuple) -> None:
    room, found, browser = warm
    do_new_code(found["Bram"], actor=SystemActor("t"), school_ref=room.school.instelling_ref, code="4821")
    room.pupils["Bram"].active = False
    room.pupils["Bram"].save()  # as an import does: no card is forgotten
    assert "Bram" in grid(browser, room)  # up to a minute late, by design
    url = f"/s/{room.school.instelling_ref}/{room.group.uuid}/{found['Bram'].slug}/"
    assert browser.post(url, {"code": "4821"}).status_code == 404
    assert SESSION_KEY not in browser.session


def test_a_school_deactivated_while_cached_cannot_log_in(warm: tuple) -> None:
    room, found, browser = warm
    do_new_code(found["Anna"], actor=SystemActor("t"), school_ref=room.school.instelling_ref, code="4821")
    room.school.active = False
    room.school.save()
    url = f"/s/{room.school.instelling_ref}/{room.group.uuid}/{found['Anna'].slug}/"
    response = browser.post(url, {"code": "4821"})
    assert response.status_code == 403
    assert SESSION_KEY not in browser.session
