"""The login cards pages /klas/<group>/kaarten/ (classroom.cards): reached from the group overview,
the page is the confirmation step, the POST answers with the printable sheet (ten cards an A4
page); names repeat -> full names; only the group's teachers and the school's coordinators, the
same number of queries for any group size."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.accounts.pupils import login_cards
from klaspoort.accounts.pupils.crypto import unseal
from klaspoort.accounts.pupils.login_cards import card_matches
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.templatetags.pupil_pictures import password_name
from klaspoort.audit.models import AuditEvent
from klaspoort.core.qr import qr_svg
from klaspoort.roster.models import StaffRole
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    room = roster.classroom(names=("Anna", "Sanne", "Bram"))
    factories.pupil(room.group, "Sanne", "Bakker")
    other = factories.group(room.school, "Groep 7", year_group="7")
    elsewhere = factories.school("34CD00", "Het Anker")
    return {
        "room": room,
        "teacher": factories.staff(room.school, "juf@school.nl", groups=(room.group,)),
        "colleague": factories.staff(room.school, "meester@school.nl", groups=(other,)),
        "coordinator": factories.staff(room.school, "ict@school.nl", roles=(StaffRole.ICT_COORDINATOR,)),
        "other_coordinator": factories.staff(elsewhere, "ict@anker.nl", roles=(StaffRole.ICT_COORDINATOR,)),
    }


def cards_url(room: roster.Classroom) -> str:
    return f"/klas/{room.group.uuid}/kaarten/"


def print_cards(client: Client, url: str, data: dict[str, str] | None = None, **extra: Any) -> Any:
    """As the teacher does it: open the cards page, then press one of its buttons (with its token)."""
    page = client.get(url).content.decode()
    token = re.search(r'name="form" value="([^"]+)"', page)
    assert token is not None
    return client.post(url, {**(data or {}), "form": token.group(1)}, **extra)


def card_labels(html: str) -> list[str]:
    return re.findall(r'<h2 class="card-name">([^<]+)</h2>', html)


def test_the_group_overview_links_to_the_cards_page(client: Client, world: dict[str, Any]) -> None:
    room = world["room"]
    roster.sign_in_staff(client, world["teacher"])
    overview = client.get(f"/klas/{room.group.uuid}/").content.decode()
    assert f'href="{cards_url(room)}">Inlogkaarten afdrukken</a>' in overview
    page = client.get(cards_url(room))
    assert page.status_code == 200
    html = page.content.decode()
    assert "dan werken de oude kaarten van die leerlingen niet meer" in html
    assert re.findall(r'<th scope="row">([^<]+)</th>', html) == [
        "Anna", "Bram", "Sanne Bakker", "Sanne Jansen",
    ]  # fmt: skip
    assert "Kaarten maken voor alle 4 leerlingen" in html
    assert not PupilCredential.objects.exclude(card_hash="").exists()  # opening the page prints nothing


def test_printing_the_group_gives_the_sheet_with_every_card(
    client: Client, world: dict[str, Any], settings: Any
) -> None:
    settings.BASE_URL = "https://klaspoort.example"
    room = world["room"]
    roster.sign_in_staff(client, world["teacher"])
    response = print_cards(client, cards_url(room))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert card_labels(html) == ["Anna", "Bram", "Sanne Bakker", "Sanne Jansen"]
    assert html.count('<article class="login-card">') == 4
    assert html.count('<section class="card-page"') == 1
    assert html.count("<svg") >= 8  # a picture and a QR code per card
    assert html.count(f"<code>https://klaspoort.example/s/{room.school.instelling_ref}/</code>") == 4
    for credential in PupilCredential.objects.filter(pupil__memberships__group=room.group).select_related(
        "pupil"
    ):
        kind, code = unseal(credential.secret, credential.pupil.uuid)
        if kind == "pin":
            assert f'<strong class="pin-code">{code}</strong>' in html
        assert credential.card_hash
    assert "data-print" in html
    event = AuditEvent.objects.get(action="pupil.cards_printed")
    assert (event.actor, len(event.data["pupils"])) == (f"staff:{world['teacher'].staff.uuid}", 4)


def test_printing_for_one_pupil_renews_only_that_card(client: Client, world: dict[str, Any]) -> None:
    room = world["room"]
    roster.sign_in_staff(client, world["teacher"])
    print_cards(client, cards_url(room), {"pupil": str(room.pupils["Anna"].uuid)})
    anna = PupilCredential.objects.get(pupil=room.pupils["Anna"])
    issued = AuditEvent.objects.get(action="pupil.cards_printed")
    assert issued.data["pupils"] == [str(room.pupils["Anna"].uuid)]
    assert anna.card_hash
    assert anna.card_issued_at is not None
    assert not PupilCredential.objects.exclude(pk=anna.pk).exclude(card_hash="").exists()
    assert not card_matches(anna, "")


def test_the_qr_code_holds_the_cards_address(
    client: Client, world: dict[str, Any], settings: Any, monkeypatch: Any
) -> None:
    settings.BASE_URL = "https://klaspoort.example"
    monkeypatch.setattr(login_cards, "new_secret", lambda: "s3cr3t-for-the-test")
    room = world["room"]
    roster.sign_in_staff(client, world["teacher"])
    html = print_cards(client, cards_url(room), {"pupil": str(room.pupils["Anna"].uuid)}).content.decode()
    slug = PupilCredential.objects.get(pupil=room.pupils["Anna"]).slug
    url = f"https://klaspoort.example/s/{room.school.instelling_ref}/kaart/{slug}/s3cr3t-for-the-test/"
    assert str(qr_svg(url, title="QR-code om in te loggen als Anna", scale=3)) in html
    assert url not in html.replace(str(qr_svg(url, title="QR-code om in te loggen als Anna", scale=3)), "")


def test_a_picture_password_card_shows_both_pictures_in_order(client: Client) -> None:
    at = factories.school()
    group = factories.group(at, "Groep 2", year_group="2")  # picture passwords by default
    pupil = factories.pupil(group, "Mila")
    roster.sign_in_staff(client, factories.staff(at, "juf@school.nl", groups=(group,)))
    html = print_cards(client, f"/klas/{group.uuid}/kaarten/").content.decode()
    credential = PupilCredential.objects.get(pupil=pupil)
    kind, code = unseal(credential.secret, pupil.uuid)
    assert kind == "pictures"
    first, second = code.split(",")
    card = html.split('<article class="login-card">')[1]
    assert re.findall(r'<span class="label">([^<]+)</span>', card) == [
        f"1. {password_name(first)}", f"2. {password_name(second)}",
    ]  # fmt: skip
    assert "Pincode" not in card


def test_ten_cards_a_page(client: Client) -> None:
    at = factories.school()
    group = factories.group(at)
    factories.pupils(group, 12)
    teacher = factories.staff(at, "juf@school.nl", groups=(group,))
    roster.sign_in_staff(client, teacher)
    html = print_cards(client, f"/klas/{group.uuid}/kaarten/").content.decode()
    pages = html.split('<section class="card-page"')[1:]
    assert [page.count('<article class="login-card">') for page in pages] == [10, 2]


def test_repeated_first_names_are_named_fully_in_the_overview(client: Client, world: dict[str, Any]) -> None:
    room = world["room"]
    roster.sign_in_staff(client, world["teacher"])
    html = client.get(f"/klas/{room.group.uuid}/").content.decode()
    labels = ["Anna", "Bram", "Sanne Bakker", "Sanne Jansen"]
    assert re.findall(r'aria-label="Toon code van ([^"]+)"', html) == labels
    assert re.findall(r'aria-label="Nieuwe code voor ([^"]+)"', html) == labels
    assert re.findall(r'aria-label="Ander plaatje voor ([^"]+)"', html) == labels
    assert re.findall(r'aria-label="Thuisadressen van ([^"]+)"', html) == labels


def test_a_single_card_names_a_sanne_fully(client: Client, world: dict[str, Any]) -> None:
    room = world["room"]
    roster.sign_in_staff(client, world["teacher"])
    html = print_cards(client, cards_url(room), {"pupil": str(room.pupils["Sanne"].uuid)}).content.decode()
    assert card_labels(html) == ["Sanne Jansen"]


def _who(world: dict[str, Any], who: str) -> Principal:
    room = world["room"]
    pupil = room.pupils["Anna"]
    placement = world.get(who)
    if placement is not None:
        return Principal(kind="staff", person=placement.staff.uuid, school=placement.school.instelling_ref)
    context = "home" if who == "parent" else "school"
    return Principal(kind="pupil", person=pupil.uuid, school=room.school.instelling_ref, context=context)


@pytest.mark.parametrize("who", ["colleague", "other_coordinator", "parent", "pupil"])
def test_everyone_else_gets_403_and_nothing_changes(client: Client, world: dict[str, Any], who: str) -> None:
    room = world["room"]
    roster.credentials(room.group)
    session = client.session
    session[SESSION_KEY] = _who(world, who).to_session()
    session.save()
    before = list(PupilCredential.objects.order_by("pk").values_list("card_hash", "card_issued_at"))
    events = AuditEvent.objects.count()

    responses = [
        client.get(cards_url(room)),
        client.post(cards_url(room)),
        client.post(cards_url(room), {"pupil": str(room.pupils["Anna"].uuid)}),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert all("login-card" not in response.content.decode() for response in responses)
    assert list(PupilCredential.objects.order_by("pk").values_list("card_hash", "card_issued_at")) == before
    assert AuditEvent.objects.count() == events
    overview = client.get(f"/klas/{room.group.uuid}/")
    assert "Inlogkaarten afdrukken" not in overview.content.decode()


def test_a_coordinator_may_print_for_any_group_of_the_school(client: Client, world: dict[str, Any]) -> None:
    roster.sign_in_staff(client, world["coordinator"])
    assert card_labels(print_cards(client, cards_url(world["room"])).content.decode())[0] == "Anna"


def test_anonymous_visitors_go_to_the_staff_login(client: Client, world: dict[str, Any]) -> None:
    response = client.post(cards_url(world["room"]))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_a_pupil_of_another_group_is_refused_and_nothing_changes(
    client: Client, world: dict[str, Any]
) -> None:
    room = world["room"]
    stranger = factories.pupil(factories.group(room.school, "Groep 8", year_group="8"), "Zoë")
    roster.sign_in_staff(client, world["teacher"])
    response = print_cards(client, cards_url(room), {"pupil": str(stranger.uuid)}, follow=True)
    assert "Er is geen kaart gemaakt" in response.content.decode()
    assert print_cards(client, cards_url(room), {"pupil": "not-a-uuid"}).status_code == 400
    assert not PupilCredential.objects.exclude(card_hash="").exists()
    assert not AuditEvent.objects.filter(action="pupil.cards_printed").exists()


def test_query_counts_do_not_depend_on_the_group_size(client: Client) -> None:
    at = factories.school()
    groups = [factories.group(at, f"Groep {size}") for size in (3, 30)]
    for group, size in zip(groups, (3, 30), strict=True):
        factories.pupils(group, size)
    roster.sign_in_staff(client, factories.staff(at, "juf@school.nl", groups=groups))
    urls = [f"/klas/{group.uuid}/kaarten/" for group in groups]
    for url in urls:
        print_cards(client, url)  # credentials are created on first need
    counts: dict[str, list[int]] = {"get": [], "post": []}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        counts["get"].append(len(queries))
        token = re.search(r'name="form" value="([^"]+)"', page.content.decode())
        assert token is not None
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, {"form": token.group(1)}).status_code == 200
        counts["post"].append(len(queries))
    assert counts["get"][0] == counts["get"][1]
    assert counts["post"][0] == counts["post"][1]
    assert counts["get"][0] <= 8
    assert counts["post"][0] <= 14


def test_the_sheet_sent_again_changes_nothing(client: Client, world: dict[str, Any]) -> None:
    """Reloading the sheet posts the same form again: refused, the printed cards keep working."""
    room = world["room"]
    roster.sign_in_staff(client, world["teacher"])
    page = client.get(cards_url(room)).content.decode()
    form = {"form": re.findall(r'name="form" value="([^"]+)"', page)[0]}
    assert client.post(cards_url(room), form).status_code == 200
    printed = list(PupilCredential.objects.order_by("pk").values_list("card_hash", flat=True))

    again = client.post(cards_url(room), form)
    forged = client.post(cards_url(room), {"form": "made-up"})
    missing = client.post(cards_url(room))

    for response in (again, forged, missing):
        assert response.status_code == 302
        assert response["Location"] == cards_url(room)
    assert list(PupilCredential.objects.order_by("pk").values_list("card_hash", flat=True)) == printed
    assert AuditEvent.objects.filter(action="pupil.cards_printed").count() == 1
    assert "Deze kaarten waren al gemaakt" in client.get(cards_url(room)).content.decode()
