from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.accounts.pupils.actions import do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.registry.models import RetiredInstellingRef
from klaspoort.roster.models import Group
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db


def code_url(room: roster.Classroom, credential: PupilCredential) -> str:
    return reverse("pupils:code", args=[room.school.instelling_ref, room.group.uuid, credential.slug])


def set_code(credential: PupilCredential, kind: CodeKind, code: str) -> None:
    do_new_code(
        credential,
        actor=SystemActor("test"),
        school_ref=credential.pupil.school.instelling_ref,
        kind=kind,
        code=code,
    )


def test_group_picker_lists_this_years_active_home_groups_only(client: Client) -> None:
    room = roster.classroom()
    factories.group(room.school, "Groep 3", year_group="3")
    factories.group(room.school, "Rekenplus", kind=Group.Kind.COMPOSITE)
    factories.group(room.school, "Groep 4 oud", year_group="4", year_offset=-1)
    factories.group(room.school, "Groep 6 weg", year_group="6", active=False)
    other = factories.school("34CD00", "Het Anker")
    factories.group(other, "Groep 7 Anker", year_group="7")

    response = client.get(f"/s/{room.school.instelling_ref}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'class="tile" href="[^"]+">([^<]+)</a>', html) == ["Groep 3", "Groep 5"]
    assert "De Regenboog" in html
    assert "klaspoort_device" in response.cookies


@pytest.mark.parametrize("ref", ["not-a-uuid", "00000000-0000-0000-0000-000000000000", ""])
def test_unknown_reference_gives_a_friendly_page(client: Client, ref: str) -> None:
    response = client.get(f"/s/{ref}/" if ref else "/login/leerlingen/snelkoppelaar?INSTELLING_REF=")
    assert response.status_code == 404
    assert "Deze schoollink kennen we niet" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_retired_reference_gives_its_own_friendly_page(client: Client) -> None:
    retired = RetiredInstellingRef.objects.create(
        instelling_ref="5d1c0b2e-3f0e-4a55-9c9e-1f2a3b4c5d6e", reason="fusie"
    )
    response = client.get(f"/s/{retired.instelling_ref}/")
    assert response.status_code == 404
    assert "Deze schoollink werkt niet meer" in response.content.decode()


def test_inactive_school_gives_a_friendly_page_on_every_step(client: Client) -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    room.school.active = False
    room.school.save()
    for url in (
        f"/s/{room.school.instelling_ref}/",
        f"/s/{room.school.instelling_ref}/{room.group.uuid}/",
        code_url(room, credential),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Bij deze school kun je nu niet inloggen" in response.content.decode()


def test_pupil_grid_shows_first_names_and_pictures_only(client: Client) -> None:
    room = roster.classroom(names=("Anna", "Bram", "Chloe"))
    factories.pupil(room.group, "Daan", "Geheimenaam")
    response = client.get(f"/s/{room.school.instelling_ref}/{room.group.uuid}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'<span class="name">([^<]+)</span>', html) == ["Anna", "Bram", "Chloe", "Daan"]
    assert "Geheimenaam" not in html
    assert "Jansen" not in html
    for pupil in room.pupils.values():
        assert str(pupil.uuid) not in html
    assert html.count("<svg") == 4
    credentials = PupilCredential.objects.all()
    assert len({credential.picture for credential in credentials}) == 4
    assert {credential.kind for credential in credentials} == {"pin"}  # group 5


def test_young_pupils_default_to_a_picture_password(client: Client) -> None:
    room = roster.classroom()
    young = factories.group(room.school, "Groep 2", year_group="2")
    factories.pupil(young, "Eva")
    client.get(f"/s/{room.school.instelling_ref}/{young.uuid}/")
    assert PupilCredential.objects.get(pupil__first_name="Eva").kind == "pictures"


def test_pin_login_signs_the_pupil_in(client: Client) -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    set_code(credential, CodeKind.PIN, "4821")

    page = client.get(code_url(room, credential))
    html = page.content.decode()
    assert 'inputmode="numeric"' in html
    assert 'autocomplete="off"' in html
    assert "4821" not in html
    response = client.post(code_url(room, credential), {"code": "4821"})

    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    principal = client.session[SESSION_KEY]
    assert (principal["kind"], principal["person"], principal["school"], principal["context"]) == (
        "pupil", str(room.pupils["Anna"].uuid), str(room.school.instelling_ref), "school",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="pupil.login")
    assert (event.outcome, event.subject, event.client_ip) == (
        "ok",
        f"pupil:{room.pupils['Anna'].uuid}",
        "127.0.0.1",
    )


def test_login_rotates_an_existing_session(client: Client) -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    set_code(credential, CodeKind.PIN, "4821")
    session = client.session
    session["before"] = "x"
    session.save()
    before = session.session_key
    client.post(code_url(room, credential), {"code": "4821"})
    assert client.session.session_key != before
    assert client.session[SESSION_KEY]["kind"] == "pupil"


def test_picture_password_login(client: Client) -> None:
    room = roster.classroom()
    young = factories.group(room.school, "Groep 1", year_group="1")
    factories.pupil(young, "Fenna")
    credential = roster.credentials(young)["Fenna"]
    set_code(credential, CodeKind.PICTURES, "ster,maan")
    url = reverse("pupils:code", args=[room.school.instelling_ref, young.uuid, credential.slug])

    html = client.get(url).content.decode()
    assert html.count('class="picture-choice"') == 9
    assert client.post(url, {"code": "maan,ster"}).status_code == 200
    response = client.post(url, {"code": "ster,maan"})
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["person"] == str(credential.pupil.uuid)


def test_wrong_code_is_refused_counted_and_changes_nothing_else(client: Client) -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    set_code(credential, CodeKind.PIN, "4821")
    secret_before = PupilCredential.objects.get(pk=credential.pk).secret

    response = client.post(code_url(room, credential), {"code": "4822"})

    assert response.status_code == 200
    assert "Dat is niet goed" in response.content.decode()
    assert SESSION_KEY not in client.session
    stored = PupilCredential.objects.get(pk=credential.pk)
    assert (stored.failed_attempts, stored.secret) == (1, secret_before)
    assert stored.last_failed_at is not None
    assert AuditEvent.objects.filter(action="pupil.login", outcome="failed").count() == 1


def test_after_three_mistakes_the_pupil_waits_even_with_the_right_code(client: Client) -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    set_code(credential, CodeKind.PIN, "4821")
    client.get(code_url(room, credential))  # the device cookie
    for _ in range(3):
        client.post(code_url(room, credential), {"code": "0472"})

    response = client.post(code_url(room, credential), {"code": "4821"})

    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert "Even wachten" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert PupilCredential.objects.get(pk=credential.pk).failed_attempts == 3  # waiting is not a mistake


def test_twenty_mistakes_by_one_pupil_do_not_slow_down_a_classmate_on_the_same_device(client: Client) -> None:
    room = roster.classroom()
    found = roster.credentials(room.group)
    guesser, classmate = found["Anna"], found["Bram"]
    set_code(classmate, CodeKind.PIN, "3917")
    client.get(f"/s/{room.school.instelling_ref}/")  # the shared iPad gets its device cookie
    for _ in range(20):
        client.post(code_url(room, guesser), {"code": "0472"})
    assert client.post(code_url(room, guesser), {"code": "0472"}).status_code == 429

    response = client.post(code_url(room, classmate), {"code": "3917"})

    assert response.status_code == 302
    assert client.session[SESSION_KEY]["person"] == str(classmate.pupil.uuid)


def test_the_pupil_must_be_in_the_group_of_the_url(client: Client) -> None:
    room = roster.classroom()
    other = factories.group(room.school, "Groep 6", year_group="6")
    credential = roster.credentials(room.group)["Anna"]
    url = reverse("pupils:code", args=[room.school.instelling_ref, other.uuid, credential.slug])
    response = client.get(url)
    assert response.status_code == 404
    assert "Deze pagina bestaat niet (meer)" in response.content.decode()
    assert client.post(url, {"code": "4821"}).status_code == 404
    assert not AuditEvent.objects.filter(action="pupil.login").exists()


def test_a_deactivated_pupil_cannot_log_in(client: Client) -> None:
    room = roster.classroom()
    credential = roster.credentials(room.group)["Anna"]
    set_code(credential, CodeKind.PIN, "4821")
    room.pupils["Anna"].active = False
    room.pupils["Anna"].save()
    assert client.post(code_url(room, credential), {"code": "4821"}).status_code == 404
    assert SESSION_KEY not in client.session


def test_queries_per_step_stay_within_the_budget(client: Client) -> None:
    room = roster.classroom(names=tuple(f"Kind{index}" for index in range(28)))
    credential = roster.credentials(room.group)["Kind7"]
    set_code(credential, CodeKind.PIN, "4821")
    steps = [
        ("get", f"/s/{room.school.instelling_ref}/", {}),
        ("get", f"/s/{room.school.instelling_ref}/{room.group.uuid}/", {}),
        ("get", code_url(room, credential), {}),
        ("post", code_url(room, credential), {"code": "4821"}),
    ]

    def count_steps(browser: Client) -> list[int]:
        counts = []
        for method, url, data in steps:
            with CaptureQueriesContext(connection) as queries:
                response = getattr(browser, method)(url, data)
            assert response.status_code in (200, 302)
            # Savepoints exist only because the test runs inside a transaction.
            counts.append(
                sum(not q["sql"].startswith(("SAVEPOINT", "RELEASE")) for q in queries.captured_queries)
            )
        return counts

    cold = count_steps(Client())  # the first pupil of the morning fills the cards
    warm = count_steps(client)
    # Warm: each page is one cache read (a query on the database cache, none on Redis); the login
    # reads the credential, counts the attempt ahead (a pupil without mistakes: one statement that
    # creates both counters unless a wait is set, taking its turn with the pupil's lock, on
    # PostgreSQL inside the statement), takes the count back (1) and writes the session and the
    # audit event. Alike on SQLite and PostgreSQL.
    assert warm == [1, 1, 1, 5]
    # Cold: the cards are built and written (the first step also reads what this process had
    # not cached yet, so it may be one query more when it runs first).
    assert cold[1:] == [4, 1, 5]
    assert cold[0] in (3, 4)
