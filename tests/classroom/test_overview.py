from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klaspoort.accounts.pupils.actions import do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.crypto import unseal
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.roster.models import Group, PupilMembership, StaffRole
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_with_two_groups() -> dict:
    room = roster.classroom()
    other = factories.group(room.school, "Groep 7", year_group="7")
    factories.pupil(other, "Zoë", "Bakker")
    teacher = factories.staff(
        room.school, "juf@school.nl", groups=(room.group,), first_name="Ineke", surname="Smit"
    )
    colleague = factories.staff(
        room.school, "meester@school.nl", groups=(other,), first_name="Piet", surname="Kok"
    )
    coordinator = factories.staff(room.school, "ict@school.nl", roles=(StaffRole.ICT_COORDINATOR,))
    return {
        "room": room,
        "other": other,
        "teacher": teacher,
        "colleague": colleague,
        "coordinator": coordinator,
    }


def group_names(html: str) -> list[str]:
    return re.findall(r'<a href="/klas/[0-9a-f-]+/">([^<]+)</a>', html)


def test_anonymous_visitors_go_to_the_staff_login(client: Client) -> None:
    response = client.get("/klas/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/klas/"


def test_a_pupil_cannot_open_teacher_pages(client: Client, school_with_two_groups: dict) -> None:
    room = school_with_two_groups["room"]
    credential = roster.credentials(room.group)["Anna"]
    do_new_code(credential, actor=SystemActor("t"), school_ref=room.school.instelling_ref, code="4821")
    client.post(
        reverse("pupils:code", args=[room.school.instelling_ref, room.group.uuid, credential.slug]),
        {"code": "4821"},
    )
    assert client.get("/klas/").status_code == 403
    assert client.get(f"/klas/{room.group.uuid}/").status_code == 403


def test_a_teacher_sees_only_own_groups(client: Client, school_with_two_groups: dict) -> None:
    data = school_with_two_groups
    roster.sign_in_staff(client, data["teacher"])
    assert group_names(client.get("/klas/").content.decode()) == ["Groep 5"]
    assert client.get(f"/klas/{data['room'].group.uuid}/").status_code == 200
    response = client.get(f"/klas/{data['other'].uuid}/")
    assert response.status_code == 403
    assert "Zoë" not in response.content.decode()
    assert client.get("/klas/not-a-uuid/").status_code == 403


def test_a_coordinator_sees_every_group(client: Client, school_with_two_groups: dict) -> None:
    data = school_with_two_groups
    roster.sign_in_staff(client, data["coordinator"])
    assert group_names(client.get("/klas/").content.decode()) == ["Groep 5", "Groep 7"]
    assert client.get(f"/klas/{data['other'].uuid}/").status_code == 200


def test_the_overview_shows_teachers_pupils_pictures_but_no_codes(
    client: Client, school_with_two_groups: dict
) -> None:
    data = school_with_two_groups
    roster.sign_in_staff(client, data["teacher"])
    response = client.get(f"/klas/{data['room'].group.uuid}/")
    html = response.content.decode()
    assert "Leerkrachten:\n  Ineke Smit" in html
    assert re.findall(r'<th scope="row">([^<]+)</th>', html) == ["Anna Jansen", "Bram Jansen", "Chloe Jansen"]
    credentials = PupilCredential.objects.filter(pupil__memberships__group=data["room"].group)
    assert credentials.count() == 3
    for credential in credentials:
        _kind, code = credential_code(credential)
        assert code not in html
    assert html.count('class="reveal-form"') == 3


def credential_code(credential: PupilCredential) -> tuple[str, str]:
    return unseal(credential.secret, credential.pupil.uuid)


def test_query_count_does_not_depend_on_group_size(client: Client) -> None:
    at = factories.school()
    small, large = factories.group(at, "Klein"), factories.group(at, "Groot")
    factories.pupils(small, 3)
    factories.pupils(large, 30)
    teacher = factories.staff(at, "juf@school.nl", groups=(small, large))
    roster.sign_in_staff(client, teacher)
    client.get(f"/klas/{small.uuid}/")
    client.get(f"/klas/{large.uuid}/")  # credentials are created on the first visit
    counts = []
    for each in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/klas/{each.uuid}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 7  # one of them: may this person print login cards for the group?


def test_reveal_shows_the_code_and_is_audited(client: Client, school_with_two_groups: dict) -> None:
    data = school_with_two_groups
    room = data["room"]
    credential = roster.credentials(room.group)["Anna"]
    do_new_code(credential, actor=SystemActor("t"), school_ref=room.school.instelling_ref, code="4821")
    roster.sign_in_staff(client, data["teacher"])
    url = reverse("classroom:reveal", args=[room.group.uuid, room.pupils["Anna"].uuid])

    assert client.get(url).status_code == 405
    fragment = client.post(url, HTTP_X_KLASPOORT_FETCH="1")
    page = client.post(url)

    assert (
        fragment.content.decode().strip()
        == '<span class="revealed" data-kind="pin"><strong class="pin-code">4821</strong></span>'
    )
    assert "Inlogcode van Anna Jansen" in page.content.decode()
    assert fragment["Cache-Control"].startswith("max-age=0")
    events = AuditEvent.objects.filter(action="pupil.code_revealed")
    assert events.count() == 2
    assert {event.actor for event in events} == {f"staff:{data['teacher'].staff.uuid}"}


def test_reveal_of_a_picture_password_shows_both_pictures_in_order(
    client: Client, school_with_two_groups: dict
) -> None:
    data = school_with_two_groups
    room = data["room"]
    credential = roster.credentials(room.group)["Bram"]
    do_new_code(
        credential,
        actor=SystemActor("t"),
        school_ref=room.school.instelling_ref,
        kind=CodeKind.PICTURES,
        code="wolk,hart",
    )
    roster.sign_in_staff(client, data["teacher"])
    html = client.post(
        reverse("classroom:reveal", args=[room.group.uuid, room.pupils["Bram"].uuid]),
        HTTP_X_KLASPOORT_FETCH="1",
    ).content.decode()
    assert re.findall(r'<span class="label">([^<]+)</span>', html) == ["1. wolk", "2. hart"]


def test_new_code_and_code_kind(client: Client, school_with_two_groups: dict) -> None:
    data = school_with_two_groups
    room = data["room"]
    credential = roster.credentials(room.group)["Anna"]
    roster.sign_in_staff(client, data["teacher"])
    url = reverse("classroom:new_code", args=[room.group.uuid, room.pupils["Anna"].uuid])
    before = credential.secret

    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/klas/{room.group.uuid}/#pupil-{room.pupils['Anna'].uuid}"
    after = PupilCredential.objects.get(pk=credential.pk)
    assert after.secret != before
    assert after.kind == "pin"

    client.post(url, {"kind": "pictures", "confirmed": "1"})
    assert PupilCredential.objects.get(pk=credential.pk).kind == "pictures"
    assert client.post(url, {"kind": "retina", "confirmed": "1"}).status_code == 302
    assert PupilCredential.objects.get(pk=credential.pk).kind == "pictures"


@pytest.mark.parametrize(
    ("payload", "title"),
    [
        ({}, "Nieuwe code voor Anna Jansen?"),
        ({"kind": "pictures"}, "Anna Jansen voortaan met wachtwoordplaatjes?"),
    ],
)
def test_a_new_code_is_confirmed_first_and_nothing_changes_before(
    client: Client, school_with_two_groups: dict, payload: dict, title: str
) -> None:
    data = school_with_two_groups
    room = data["room"]
    credential = roster.credentials(room.group)["Anna"]
    roster.sign_in_staff(client, data["teacher"])
    url = reverse("classroom:new_code", args=[room.group.uuid, room.pupils["Anna"].uuid])

    response = client.post(url, payload)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 id="confirm-title">{title}</h1>' in html
    assert "De code die Anna Jansen nu heeft, werkt daarna niet meer." in html
    assert html.count('name="kind"') == (1 if payload else 0)
    after = PupilCredential.objects.get(pk=credential.pk)
    assert (after.secret, after.kind) == (credential.secret, credential.kind)
    assert not AuditEvent.objects.filter(action="pupil.code_changed").exists()


def test_messages_name_a_pupil_fully_when_the_first_name_repeats(client: Client) -> None:
    room = roster.classroom(names=("Sanne",))
    factories.pupil(room.group, "Sanne", "Bakker")
    roster.credentials(room.group)
    teacher = factories.staff(room.school, "juf@school.nl", groups=(room.group,))
    roster.sign_in_staff(client, teacher)
    url = reverse("classroom:new_code", args=[room.group.uuid, room.pupils["Sanne"].uuid])
    page = client.post(url, {"confirmed": "1"}, follow=True).content.decode()
    assert "Sanne Jansen heeft een nieuwe pincode." in page


def test_change_picture(client: Client, school_with_two_groups: dict) -> None:
    data = school_with_two_groups
    room = data["room"]
    found = roster.credentials(room.group)
    roster.sign_in_staff(client, data["teacher"])
    url = reverse("classroom:picture", args=[room.group.uuid, room.pupils["Anna"].uuid])

    page = client.get(url).content.decode()
    offered = re.findall(r'name="picture" value="([^"]+)"', page)
    assert found["Bram"].picture not in offered
    assert len(offered) == 160 - 3

    refused = client.post(url, {"picture": found["Bram"].picture})
    assert refused.status_code == 400
    assert "al een andere leerling" in refused.content.decode()
    assert PupilCredential.objects.get(pk=found["Anna"].pk).picture == found["Anna"].picture

    assert client.post(url, {"picture": offered[0]}).status_code == 302
    assert PupilCredential.objects.get(pk=found["Anna"].pk).picture == offered[0]


def test_another_teachers_pupil_cannot_be_touched_and_nothing_changes(
    client: Client, school_with_two_groups: dict
) -> None:
    data = school_with_two_groups
    other = data["other"]
    zoe = PupilMembership.objects.get(group=other).pupil
    credential = roster.credentials(other)["Zoë"]
    roster.sign_in_staff(client, data["teacher"])
    before = PupilCredential.objects.get(pk=credential.pk)
    free = "ballon" if before.picture != "ballon" else "ijsje"
    for name, payload in (("reveal", {}), ("new_code", {"kind": "pictures"}), ("picture", {"picture": free})):
        response = client.post(reverse(f"classroom:{name}", args=[other.uuid, zoe.uuid]), payload)
        assert response.status_code == 403, name
        assert "4821" not in response.content.decode()
    # Own group in the URL, but the pupil is not in it:
    response = client.post(reverse("classroom:new_code", args=[data["room"].group.uuid, zoe.uuid]))
    assert response.status_code == 403
    after = PupilCredential.objects.get(pk=credential.pk)
    assert (after.secret, after.kind, after.picture) == (before.secret, before.kind, before.picture)
    assert not AuditEvent.objects.filter(
        action__in=["pupil.code_revealed", "pupil.code_changed", "pupil.picture_changed"]
    ).exists()


def test_inactive_placement_has_no_access(client: Client, school_with_two_groups: dict) -> None:
    data = school_with_two_groups
    data["teacher"].active = False
    data["teacher"].save()
    roster.sign_in_staff(client, data["teacher"])
    assert client.get("/klas/").status_code == 403


def test_recent_failed_attempts_are_shown(client: Client, school_with_two_groups: dict) -> None:
    data = school_with_two_groups
    room = data["room"]
    credential = roster.credentials(room.group)["Anna"]
    do_new_code(credential, actor=SystemActor("t"), school_ref=room.school.instelling_ref, code="4821")
    pupil_client = Client()
    url = reverse("pupils:code", args=[room.school.instelling_ref, room.group.uuid, credential.slug])
    pupil_client.get(url)
    for _ in range(2):
        pupil_client.post(url, {"code": "0472"})
    roster.sign_in_staff(client, data["teacher"])
    html = client.get(f"/klas/{room.group.uuid}/").content.decode()
    assert re.findall(r'<span class="failures">([^<]+)</span>', html) == ["2 keer fout"]


def test_composite_groups_show_credentials_from_home_groups(client: Client) -> None:
    room = roster.classroom()
    plus = factories.group(room.school, "Rekenplus", kind=Group.Kind.COMPOSITE)
    PupilMembership.objects.create(pupil=room.pupils["Bram"], group=plus)
    teacher = factories.staff(room.school, "plus@school.nl", groups=(plus,))
    roster.sign_in_staff(client, teacher)
    html = client.get(f"/klas/{plus.uuid}/").content.decode()
    assert re.findall(r'<th scope="row">([^<]+)</th>', html) == ["Bram Jansen"]
    assert PupilCredential.objects.count() == 3  # made for the whole home group, unique there
