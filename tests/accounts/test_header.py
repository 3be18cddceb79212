from __future__ import annotations

import pytest
from django.test import Client

from klaspoort.accounts.header import SESSION_KEY
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD, MakeStaff

pytestmark = pytest.mark.django_db


def test_a_login_stores_the_header_names(client: Client, teacher: StaffPlacement) -> None:
    assert client.post("/login/", {"email": teacher.staff.email, "password": PASSWORD}).status_code == 302
    stored = client.session[SESSION_KEY]
    assert (stored["school"], stored["person"], stored["roles"]) == (
        "De Regenboog",
        "Anna Jansen",
        ["teacher"],
    )


def test_choosing_another_school_shows_its_name(
    client: Client, school: SchoolLocation, other_school: SchoolLocation, make_staff: MakeStaff
) -> None:
    make_staff(school)
    placement = make_staff(other_school)
    client.post("/login/", {"email": placement.staff.email, "password": PASSWORD})
    assert SESSION_KEY not in client.session
    client.post("/login/school/", {"school": str(other_school.instelling_ref)})
    assert client.session[SESSION_KEY]["school"] == "De Klimop"
    assert '<a class="who-school" href="/start/">De Klimop</a>' in client.get("/portal/").content.decode()
