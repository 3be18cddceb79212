from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.audit.models import AuditEvent
from klaspoort.roster.models import Pupil, StaffMembership
from klaspoort.substitutes.models import Substitution
from tests.accounts.pupils.roster import sign_in_staff
from tests.roster import factories
from tests.substitutes.conftest import FRIDAY, THURSDAY, WEDNESDAY, School, activate

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Sanne",
    "surname": "Visser",
    "email": "invaller@mail.example",
    "first_day": "2026-12-03",
    "school_days": "2",
}


def sign_in(client: Client, principal: Principal) -> None:
    session = client.session
    session[SESSION_KEY] = principal.to_session()
    session.save()


def slot_url(school: School) -> str:
    return f"/klas/{school.group.uuid}/invaller/"


def state() -> tuple[Any, ...]:
    return (
        list(Substitution.objects.values_list("pk", "ended_at", "ending")),
        list(StaffMembership.objects.values_list("pk", "group_id", "ends_on")),
        AuditEvent.objects.filter(action__startswith="substitute.").count(),
    )


def test_the_group_overview_links_to_the_slot_and_the_coordinator_activates_it(
    client: Client, school: School
) -> None:
    sign_in_staff(client, school.coordinator)
    overview = client.get(f"/klas/{school.group.uuid}/").content.decode()
    assert f'href="{slot_url(school)}" id="substitute-link"' in overview
    page = client.get(slot_url(school))
    assert page.status_code == 200
    assert "Deze groep heeft nu geen invaller." in page.content.decode()
    response = client.post(slot_url(school), FORM)
    assert response.status_code == 302
    assert response["Location"] == slot_url(school)
    substitution = Substitution.objects.get()
    assert (substitution.first_day, substitution.last_day, substitution.email) == (
        THURSDAY,
        FRIDAY,
        "invaller@mail.example",
    )
    html = client.get(slot_url(school)).content.decode()
    assert "Sanne Visser valt in van donderdag 3 december tot en met vrijdag 4 december 2026." in html
    assert "De invaller is geregeld en krijgt een mail." in html
    assert 'id="activate"' not in html  # the slot is taken


def test_refused_input_is_shown_and_changes_nothing(client: Client, school: School) -> None:
    sign_in_staff(client, school.teacher)
    before = state()
    for changed, message in [
        ({"school_days": "6"}, "Selecteer een geldige keuze"),
        ({"first_day": "2026-12-01"}, "De eerste dag ligt in het verleden"),
        ({"email": "meester@regenboog.nl"}, "geen invaller is"),
    ]:
        response = client.post(slot_url(school), {**FORM, **changed})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert state() == before


def _principal(school: School, who: str) -> Principal:
    pupil = Pupil.objects.filter(school=school.school).first()
    assert pupil is not None
    if who == "pupil":
        return Principal(kind="pupil", person=pupil.uuid, school=school.school.instelling_ref)
    return Principal(kind="pupil", person=pupil.uuid, school=school.school.instelling_ref, context="home")


@pytest.mark.parametrize("who", ["colleague", "other_coordinator", "pupil", "parent", "substitute"])
def test_everyone_else_gets_403_on_every_page_and_action_and_nothing_changes(
    client: Client, school: School, who: str
) -> None:
    live = activate(school, first_day=WEDNESDAY, school_days=2)
    if who in ("colleague", "other_coordinator"):
        sign_in_staff(client, getattr(school, who))
    elif who == "substitute":
        sign_in_staff(
            client, activate(school, group=school.other_group, email="ander@mail.example").placement
        )
    else:
        sign_in(client, _principal(school, who))
    before = state()
    end_url = f"{slot_url(school)}{live.uuid}/stoppen/"
    assert client.get(slot_url(school)).status_code == 403
    assert client.post(slot_url(school), {**FORM, "email": "nog@mail.example"}).status_code == 403
    assert client.get(end_url).status_code == 403
    assert client.post(end_url).status_code == 403
    console = client.get("/schoolbeheer/invallers/")
    if who == "other_coordinator":  # their own school's page: nothing of this school on it
        assert console.status_code == 200
        assert "Groep 5" not in console.content.decode()
        assert "Sanne" not in console.content.decode()
    else:
        assert console.status_code == 403
    assert state() == before


def test_anonymous_visitors_go_to_the_login(client: Client, school: School) -> None:
    response = client.get(slot_url(school))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_the_teacher_ends_it_after_confirming(client: Client, school: School) -> None:
    live = activate(school, first_day=WEDNESDAY, school_days=5)
    sign_in_staff(client, school.teacher)
    html = client.get(slot_url(school)).content.decode()
    end_url = f"{slot_url(school)}{live.uuid}/stoppen/"
    assert f'href="{end_url}"' in html
    confirm = client.get(end_url).content.decode()
    assert "Sanne Visser nu laten stoppen in Groep 5?" in confirm
    assert Substitution.objects.get().ended_at is None  # asking changes nothing
    response = client.post(end_url)
    assert response.status_code == 302
    substitution = Substitution.objects.get()
    assert (substitution.ending, substitution.ended_by_name) == ("by_hand", "Ineke Smit")
    history = client.get(slot_url(school)).content.decode()
    assert "eerder gestopt door Ineke Smit" in history
    assert 'id="activate"' in history  # the slot is free again


def test_the_school_console_lists_every_group_with_a_constant_number_of_queries(
    client: Client, school: School
) -> None:
    activate(school, first_day=WEDNESDAY, school_days=1)
    sign_in_staff(client, school.coordinator)
    home = client.get("/schoolbeheer/").content.decode()
    assert 'href="/schoolbeheer/invallers/"' in home

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/schoolbeheer/invallers/").status_code == 200
        return len(queries)

    few = count()
    html = client.get("/schoolbeheer/invallers/").content.decode()
    slots = html.split('id="slots"')[1].split("</table>")[0]
    assert re.findall(r'<td><a href="/klas/[0-9a-f-]+/invaller/">([^<]+)</a></td>', slots) == [
        "Groep 5",
        "Groep 7",
    ]
    assert "Sanne Visser, wo 2 dec \u2013 wo 2 dec" in html
    for index in range(6):
        group = factories.group(school.school, f"Groep 8{index}", year_group="8")
        activate(school, group=group, email=f"invaller{index}@mail.example", first_day=THURSDAY)
    assert count() == few


def test_the_substitute_sees_the_group_and_the_software_and_nothing_else(
    client: Client, school: School
) -> None:
    live = activate(school, first_day=WEDNESDAY, school_days=1)
    sign_in_staff(client, live.placement)
    groups = client.get("/klas/").content.decode()
    assert re.findall(r'<a href="/klas/[0-9a-f-]+/">([^<]+)</a>', groups) == ["Groep 5"]
    overview = client.get(f"/klas/{school.group.uuid}/").content.decode()
    assert "Anna Bakker" in overview
    assert "Sanne Visser" in overview  # among the group's teachers
    assert "substitute-link" not in overview
    assert client.get(f"/klas/{school.other_group.uuid}/").status_code == 403
    assert client.get("/schoolbeheer/").status_code == 403
    assert client.get("/schoolbeheer/medewerkers/").status_code in (403, 404)
    portal = client.get("/portal/")
    assert portal.status_code == 200
    assert "Schoolbeheer" not in portal.content.decode()
