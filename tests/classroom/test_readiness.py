"""E2: a teacher sees next year's groups and pupils beside this year's, marked as not yet in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.test import Client

from klaspoort.registry.actions import do_register_school
from klaspoort.roster.edexml.document import EdexPupil
from klaspoort.roster.importing.actions import do_import_edexml
from klaspoort.roster.models import StaffPlacement
from tests.accounts.pupils import roster as sessions
from tests.roster.importing.conftest import set_today
from tests.roster.importing.documents import as_bytes
from tests.roster.importing.test_staging import next_year, this_year

pytestmark = pytest.mark.django_db


def test_next_year_beside_this_year(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, dt.date(2026, 12, 3))
    school = do_register_school("12AB00", name="De Regenboog")
    current = this_year(6)
    do_import_edexml(school, as_bytes(current), source="cli")
    sessions.sign_in_staff(client, StaffPlacement.objects.get(las_key="T1"))
    html = client.get("/klas/volgend-jaar/").content.decode()
    assert "De school heeft de groepen voor volgend jaar nog niet ingelezen." in html

    later = next_year(current, leaving=0)
    newcomer = EdexPupil("NEW1", "Fenna", "Smit", year_group="6", group_key="N6")
    do_import_edexml(school, as_bytes(replace(later, pupils=(*later.pupils, newcomer))), source="cli")
    html = client.get("/klas/volgend-jaar/").content.decode()

    this_part, next_part = html.split('id="next-year"')
    assert '<h3>5A</h3><p class="muted">2 leerlingen</p>' in this_part
    assert "Nog niet in gebruik: dit gaat in op 1 augustus 2027." in next_part
    assert "<h3>6A</h3>" in next_part
    assert [name for name in ("Fenna Smit", "Kind0 Achternaam", "Kind3 Achternaam") if f"<li>{name}</li>" in next_part] == [
        "Fenna Smit", "Kind0 Achternaam", "Kind3 Achternaam",
    ]  # fmt: skip
    assert "7A" not in next_part  # another teacher's group
