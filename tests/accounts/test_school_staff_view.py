from __future__ import annotations

import pytest
from django.test import Client

from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD, MakeStaff

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(school: SchoolLocation, make_staff: MakeStaff) -> StaffPlacement:
    return make_staff(school, "coord@school.example", roles=["ict_coordinator"], first_name="Cor")


def _login(client: Client, placement: StaffPlacement) -> Client:
    assert client.post("/login/", {"email": placement.staff.email, "password": PASSWORD}).status_code == 302
    return client


def test_only_coordinators(client: Client, teacher: StaffPlacement) -> None:
    _login(client, teacher)
    response = client.get("/school/staff/")
    assert response.status_code == 403
    assert "Alleen voor ICT-coördinatoren" in response.content.decode()
    assert (
        client.post(
            "/school/staff/", {"action": "add_role", "placement": teacher.pk, "role": "ict_coordinator"}
        ).status_code
        == 403
    )
    teacher.refresh_from_db()
    assert teacher.roles == ["teacher"]


def test_list_add_staff_and_roles(
    client: Client,
    coordinator: StaffPlacement,
    teacher: StaffPlacement,
    mailoutbox,
    django_assert_max_num_queries,
) -> None:
    _login(client, coordinator)
    assert "Medewerkers en rollen beheren" in client.get("/start/").content.decode()
    with django_assert_max_num_queries(6):
        page = client.get("/school/staff/")
    body = page.content.decode()
    assert "anna.jansen@school.example" in body
    assert "coord@school.example" in body
    added = client.post(
        "/school/staff/",
        {"action": "add", "email": "stagiair@school.example", "first_name": "Sam", "role": "intern"},
    )
    assert added["Location"] == "/school/staff/"
    new = StaffPlacement.objects.get(staff__email="stagiair@school.example")
    assert new.roles == ["intern"]
    assert len(mailoutbox) == 1
    assert (
        client.post(
            "/school/staff/", {"action": "add_role", "placement": teacher.pk, "role": "internal_counsellor"}
        ).status_code
        == 302
    )
    teacher.refresh_from_db()
    assert teacher.roles == ["teacher", "internal_counsellor"]
    assert (
        client.post(
            "/school/staff/",
            {"action": "remove_role", "placement": teacher.pk, "role": "teacher", "confirmed": "1"},
        ).status_code
        == 302
    )
    teacher.refresh_from_db()
    assert teacher.roles == ["internal_counsellor"]
    assert (
        client.post(
            "/school/staff/", {"action": "resend", "placement": new.pk, "role": "teacher"}
        ).status_code
        == 302
    )
    assert len(mailoutbox) == 2
    coordinator_account = Account.objects.get(email="coord@school.example")
    assert (
        AuditEvent.objects.filter(
            actor=f"account:{coordinator_account.uuid}", action="staff.role_added"
        ).count()
        == 1
    )


def test_a_coordinator_gives_the_role_to_a_colleague(
    client: Client, coordinator: StaffPlacement, teacher: StaffPlacement
) -> None:
    _login(client, coordinator)
    client.post("/school/staff/", {"action": "add_role", "placement": teacher.pk, "role": "ict_coordinator"})
    refused = client.post(
        "/school/staff/",
        {"action": "remove_role", "placement": coordinator.pk, "role": "ict_coordinator", "confirmed": "1"},
    )
    assert refused.status_code == 302  # another coordinator exists now
    teacher.refresh_from_db()
    assert teacher.roles == ["teacher", "ict_coordinator"]


def test_last_coordinator_is_kept(client: Client, coordinator: StaffPlacement) -> None:
    _login(client, coordinator)
    response = client.post(
        "/school/staff/",
        {"action": "remove_role", "placement": coordinator.pk, "role": "ict_coordinator", "confirmed": "1"},
    )
    assert response.status_code == 400
    assert "minstens één ICT-coördinator" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.roles == ["ict_coordinator"]


def test_staff_of_another_school_is_out_of_reach(
    client: Client, coordinator: StaffPlacement, other_school: SchoolLocation, make_staff: MakeStaff
) -> None:
    elsewhere = make_staff(other_school, "ander@school.example")
    _login(client, coordinator)
    response = client.post(
        "/school/staff/", {"action": "add_role", "placement": elsewhere.pk, "role": "intern"}
    )
    assert response.status_code == 400
    assert "werkt niet (meer) op jouw school" in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.roles == ["teacher"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "add", "email": "geen-adres", "role": "intern"}, "Voer een geldig e-mailadres in."),
        ({"action": "add", "email": "x@school.example", "role": "directeur"}, "Selecteer een geldige keuze."),
        ({"action": "add_role", "placement": "x", "role": "intern"}, "Kies een medewerker en een rol."),
        ({"action": "dance", "placement": "1", "role": "intern"}, ""),
    ],
)
def test_bad_input_changes_nothing(
    client: Client, coordinator: StaffPlacement, data: dict, message: str
) -> None:
    _login(client, coordinator)
    before = list(StaffPlacement.objects.values_list("pk", "roles"))
    response = client.post("/school/staff/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(StaffPlacement.objects.values_list("pk", "roles")) == before


def test_removing_a_role_asks_first_and_changes_nothing_until_confirmed(
    client: Client, coordinator: StaffPlacement, teacher: StaffPlacement
) -> None:
    _login(client, coordinator)
    ask = {"action": "remove_role", "placement": teacher.pk, "role": "teacher"}

    response = client.post("/school/staff/", ask)

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Rol leerkracht weghalen bij {teacher.staff.full_name}?" in html
    assert '<input type="hidden" name="confirmed" value="1">' in html
    assert f'<input type="hidden" name="placement" value="{teacher.pk}">' in html
    assert 'href="/school/staff/" id="confirm-no">Nee, terug</a>' in html
    teacher.refresh_from_db()
    assert teacher.roles == ["teacher"]
    assert not AuditEvent.objects.filter(action="staff.role_removed").exists()

    assert client.post("/school/staff/", {**ask, "confirmed": "1"}).status_code == 302
    teacher.refresh_from_db()
    assert teacher.roles == []
