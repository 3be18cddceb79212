"""Finding 12.3: every login (staff, parent, pupil, operator) starts from a fresh session; no
principal or account of another person is left in it at any step of a multi-step login."""

from __future__ import annotations

import pytest
from django.test import Client

from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import SESSION_KEY
from tests.accounts.conftest import PASSWORD, MakeStaff
from tests.accounts.home.conftest import Family, activated_parent, log_in_parent
from tests.accounts.home.test_parent_views import ref_of
from tests.accounts.pupils.test_shortcut import code_url
from tests.twofactor.conftest import enrol

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hasher")]


def _pupil_signs_in(client: Client, family: Family) -> None:
    room = type("Room", (), {"school": family.regenboog, "group": family.group5})
    assert client.post(code_url(room, family.sanne_code), {"code": "4821"}).status_code == 302  # type: ignore[arg-type]
    assert client.get("/leerling/").status_code == 200
    assert client.session[SESSION_KEY]["person"] == str(family.sanne.uuid)


@pytest.fixture
def family(db: None, fast_hasher: None) -> Family:
    from tests.accounts.home.conftest import make_family

    return make_family()


@pytest.fixture
def two_schools_teacher(family: Family, make_staff: MakeStaff) -> Account:
    make_staff(family.regenboog, "anna@school.example")
    make_staff(family.klimop, "anna@school.example")
    return Account.objects.get(email="anna@school.example")


def _no_one_else(client: Client, family: Family) -> None:
    assert SESSION_KEY not in client.session
    assert client.get("/leerling/").status_code != 200


def test_teacher_with_two_schools_signing_in_on_a_pupils_device(
    client: Client, family: Family, two_schools_teacher: Account
) -> None:
    _pupil_signs_in(client, family)
    pupil_key = client.session.session_key
    response = client.post("/login/", {"email": "anna@school.example", "password": PASSWORD})
    assert response["Location"] == "/login/school/"  # before they pick a school …
    _no_one_else(client, family)  # … the pupil is gone
    assert client.session.session_key != pupil_key
    assert client.session["_auth_user_id"] == str(two_schools_teacher.pk)


def test_the_two_factor_step_holds_no_other_principal(
    client: Client, family: Family, two_schools_teacher: Account
) -> None:
    enrol(two_schools_teacher)
    _pupil_signs_in(client, family)
    response = client.post("/login/", {"email": "anna@school.example", "password": PASSWORD})
    assert response["Location"] == "/login/code/"
    _no_one_else(client, family)
    assert "_auth_user_id" not in client.session


def test_pupil_signing_in_after_a_teacher_signs_the_teacher_out(
    client: Client, family: Family, make_staff: MakeStaff
) -> None:
    make_staff(family.regenboog, "anna@school.example")
    client.post("/login/", {"email": "anna@school.example", "password": PASSWORD})
    assert client.get("/start/").status_code == 200
    _pupil_signs_in(client, family)
    assert "_auth_user_id" not in client.session
    closed = client.get("/start/")  # the teacher's pages are closed: the pupil is told so
    assert closed.status_code == 403
    assert "Alleen voor medewerkers" in closed.content.decode()


def test_parent_signing_in_on_a_pupils_device(client: Client, family: Family) -> None:
    activated_parent(family)
    _pupil_signs_in(client, family)
    assert log_in_parent(client).status_code == 302
    _no_one_else(client, family)  # at the child picker, nobody acts yet


def test_staff_signing_in_after_a_child_at_home_leaves_no_child(
    client: Client, family: Family, two_schools_teacher: Account
) -> None:
    activated_parent(family)
    log_in_parent(client)
    client.post(f"/thuis/kinderen/{ref_of(family.sanne)}/", {"code": "4821"})
    assert client.session[SESSION_KEY]["person"] == str(family.sanne.uuid)
    client.post("/login/", {"email": "anna@school.example", "password": PASSWORD})
    _no_one_else(client, family)
    assert client.session["_auth_user_id"] == str(two_schools_teacher.pk)


def test_operator_sign_in_starts_fresh(client: Client, family: Family) -> None:
    Account.objects.create_superuser("beheer@klaspoort.example", "Beheer-wachtwoord-2027")
    _pupil_signs_in(client, family)
    response = client.post(
        "/beheer/login/", {"email": "beheer@klaspoort.example", "password": "Beheer-wachtwoord-2027"}
    )
    assert response.status_code == 302
    _no_one_else(client, family)
