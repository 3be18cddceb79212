"""Login cards (accounts.pupils.login_cards and the pupil's pages /s/<ref>/kaart/<slug>/<secret>/):
issuing revokes the previous card, only the keyed hash is stored, the pupil confirms with their
own picture, another school's reference, a revoked card and a scan from outside a restricting
school's network sign nobody in, every use is audited and throttled with the PIN's counters."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from klaspoort.accounts.principal import SESSION_KEY
from klaspoort.accounts.pupils.login_cards import (
    CHOICES,
    NotAllowed,
    card_hash,
    card_matches,
    do_issue_login_cards,
    picture_choices,
)
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.throttle import DEVICE_RULE
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.roster.models import StaffRole
from klaspoort.schooladmin.actions import do_add_fixed_range, do_set_shortcut_restriction
from tests.accounts.pupils import roster
from tests.roster import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def room() -> roster.Classroom:
    return roster.classroom()


@pytest.fixture
def teacher(room: roster.Classroom):  # type: ignore[no-untyped-def]
    return factories.staff(room.school, "juf@school.nl", groups=(room.group,))


def issue(room: roster.Classroom, teacher, name: str | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """first name -> the card's path (what the QR code holds, without the base URL)."""
    pupil = room.pupils[name].uuid if name else None
    cards = do_issue_login_cards(teacher, room.group, pupil, actor="staff:test")
    return {card.membership.pupil.first_name: urlsplit(card.url).path for card in cards}


def credential_of(room: roster.Classroom, name: str) -> PupilCredential:
    return PupilCredential.objects.select_related("pupil").get(pupil=room.pupils[name])


def own_picture(room: roster.Classroom, name: str) -> str:
    return credential_of(room, name).picture


def card_events(room: roster.Classroom) -> list[tuple[str, str, str, str]]:
    return [
        (event.action, event.outcome, event.subject, event.data.get("reason", ""))
        for event in AuditEvent.objects.filter(action__in=["pupil.login", "pupil.card_opened"]).order_by("pk")
    ]


def test_a_card_holds_the_schools_pupil_link_and_only_a_keyed_hash_is_stored(room, teacher) -> None:  # type: ignore[no-untyped-def]
    paths = issue(room, teacher)
    assert sorted(paths) == ["Anna", "Bram", "Chloe"]
    anna = credential_of(room, "Anna")
    ref, slug, secret = re.fullmatch(r"/s/([0-9a-f-]+)/kaart/([^/]+)/([^/]+)/", paths["Anna"]).groups()  # type: ignore[union-attr]
    assert (ref, slug) == (str(room.school.instelling_ref), anna.slug)
    assert len(secret) >= 22  # 128 random bits
    assert secret not in anna.card_hash
    assert anna.card_hash == card_hash(anna.slug, secret)
    assert card_matches(anna, secret) is True
    assert card_matches(anna, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is False
    event = AuditEvent.objects.get(action="pupil.cards_printed")
    assert (event.actor, event.subject) == ("staff:test", f"group:{room.group.uuid}")
    assert sorted(event.data["pupils"]) == sorted(str(pupil.uuid) for pupil in room.pupils.values())


def test_the_pupil_scans_taps_their_picture_and_reaches_the_portal(room, teacher) -> None:  # type: ignore[no-untyped-def]
    path = issue(room, teacher)["Bram"]
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    html = page.content.decode()
    assert "Hoi Bram!" in html
    shown = re.findall(r'name="picture" value="([^"]+)"', html)
    assert len(shown) == CHOICES
    assert own_picture(room, "Bram") in shown
    assert shown == picture_choices(credential_of(room, "Bram"))
    assert client.get(path).content.decode().count('name="picture"') == CHOICES  # same set again

    answer = client.post(path, {"picture": own_picture(room, "Bram")})

    assert answer.status_code == 302
    assert answer["Location"] == "/portal/"
    principal = client.session[SESSION_KEY]
    assert principal["kind"] == "pupil"
    assert principal["person"] == str(room.pupils["Bram"].uuid)
    bram = f"pupil:{room.pupils['Bram'].uuid}"
    opened = ("pupil.card_opened", "ok", bram, "")
    assert card_events(room) == [opened, opened, ("pupil.login", "ok", bram, "")]
    assert AuditEvent.objects.get(action="pupil.login").data == {"context": "school", "method": "card"}


def test_a_wrong_picture_signs_nobody_in_and_counts_like_a_wrong_pin(room, teacher) -> None:  # type: ignore[no-untyped-def]
    path = issue(room, teacher)["Anna"]
    client = Client()
    wrong = next(
        key for key in picture_choices(credential_of(room, "Anna")) if key != own_picture(room, "Anna")
    )

    answer = client.post(path, {"picture": wrong})

    assert answer.status_code == 200
    assert "Dat is niet jouw plaatje" in answer.content.decode()
    assert SESSION_KEY not in client.session
    assert credential_of(room, "Anna").failed_attempts == 1
    assert card_events(room) == [("pupil.login", "failed", f"pupil:{room.pupils['Anna'].uuid}", "picture")]


def test_a_new_card_revokes_the_old_one_and_its_use_is_audited(room, teacher) -> None:  # type: ignore[no-untyped-def]
    old = issue(room, teacher)["Chloe"]
    new = issue(room, teacher, "Chloe")["Chloe"]
    assert old != new
    client = Client()

    scan = client.get(old)
    tap = client.post(old, {"picture": own_picture(room, "Chloe")})

    for response in (scan, tap):
        assert response.status_code == 403
        assert "Deze inlogkaart werkt niet (meer)" in response.content.decode()
        assert own_picture(room, "Chloe") not in response.content.decode()
    assert SESSION_KEY not in client.session
    chloe = f"pupil:{room.pupils['Chloe'].uuid}"
    assert card_events(room) == [("pupil.login", "failed", chloe, "revoked")] * 2
    assert client.post(new, {"picture": own_picture(room, "Chloe")}).status_code == 302


def test_printing_for_one_pupil_leaves_the_classmates_cards_working(room, teacher) -> None:  # type: ignore[no-untyped-def]
    first = issue(room, teacher)
    issue(room, teacher, "Anna")
    assert Client().get(first["Bram"]).status_code == 200
    assert Client().get(first["Anna"]).status_code == 403


def test_a_card_through_another_schools_link_is_refused(room, teacher) -> None:  # type: ignore[no-untyped-def]
    path = issue(room, teacher)["Anna"]
    other = factories.school("34CD00", "Het Anker")
    elsewhere = path.replace(str(room.school.instelling_ref), str(other.instelling_ref))
    client = Client()

    response = client.post(elsewhere, {"picture": own_picture(room, "Anna")})

    assert response.status_code == 403
    assert SESSION_KEY not in client.session
    event = AuditEvent.objects.get(action="pupil.login")
    assert (event.outcome, event.subject, event.school_ref, event.data["reason"]) == (
        "failed", "", other.instelling_ref, "unknown",
    )  # fmt: skip


def test_a_restricting_school_refuses_cards_outside_its_network(room, teacher) -> None:  # type: ignore[no-untyped-def]
    path = issue(room, teacher)["Anna"]
    do_add_fixed_range(room.school, "203.0.113.0/24", actor=SystemActor("t"))
    do_set_shortcut_restriction(room.school, True, actor=SystemActor("t"))
    outside = Client(REMOTE_ADDR="198.51.100.7")

    for response in (outside.get(path), outside.post(path, {"picture": own_picture(room, "Anna")})):
        assert response.status_code == 403
        assert "Inloggen kan alleen op school" in response.content.decode()
    assert SESSION_KEY not in outside.session
    assert [reason for *_rest, reason in card_events(room)] == ["network", "network"]

    inside = Client(REMOTE_ADDR="203.0.113.40")
    assert inside.post(path, {"picture": own_picture(room, "Anna")}).status_code == 302


def test_card_attempts_share_the_pins_throttle(room, teacher) -> None:  # type: ignore[no-untyped-def]
    path = issue(room, teacher)["Anna"]
    client = Client()
    client.get(path)  # the device cookie
    wrong = next(
        key for key in picture_choices(credential_of(room, "Anna")) if key != own_picture(room, "Anna")
    )
    for _attempt in range(DEVICE_RULE.delay_after):
        assert client.post(path, {"picture": wrong}).status_code == 200

    held = client.post(path, {"picture": own_picture(room, "Anna")})

    assert held.status_code == 429  # even the right picture waits, as after three wrong PINs
    assert int(held["Retry-After"]) >= 1
    assert "Even wachten" in held.content.decode()
    assert SESSION_KEY not in client.session
    assert [reason for *_rest, reason in card_events(room)][-1] == "throttled"


def test_a_left_pupil_or_a_pupil_without_card_is_signed_in_by_nobody(room, teacher) -> None:  # type: ignore[no-untyped-def]
    path = issue(room, teacher)["Anna"]
    slug = credential_of(room, "Bram").slug
    no_card = f"/s/{room.school.instelling_ref}/kaart/{slug}/{path.rstrip('/').rsplit('/', 1)[1]}/"
    assert Client().get(no_card).status_code == 403
    room.pupils["Anna"].active = False
    room.pupils["Anna"].save(update_fields=["active"])
    assert Client().get(path).status_code == 403


@pytest.mark.parametrize("who", ["other_teacher", "intern", "other_coordinator", "support"])
def test_only_the_groups_teachers_and_coordinators_may_issue(room, who: str) -> None:  # type: ignore[no-untyped-def]
    other_group = factories.group(room.school, "Groep 7", year_group="7")
    elsewhere = factories.school("34CD00", "Het Anker")
    placement = {
        "other_teacher": lambda: factories.staff(room.school, "meester@school.nl", groups=(other_group,)),
        "intern": lambda: factories.staff(
            room.school, "stagiair@school.nl", roles=(StaffRole.INTERN,), groups=(room.group,)
        ),
        "other_coordinator": lambda: factories.staff(
            elsewhere, "ict@anker.nl", roles=(StaffRole.ICT_COORDINATOR,)
        ),
        "support": lambda: factories.staff(
            room.school, "ib@school.nl", roles=(StaffRole.INTERNAL_COUNSELLOR,)
        ),
    }[who]()
    roster.credentials(room.group)
    before = list(PupilCredential.objects.order_by("pk").values_list("card_hash", "card_issued_at"))

    with pytest.raises(NotAllowed):
        do_issue_login_cards(placement, room.group, actor="staff:x")

    assert list(PupilCredential.objects.order_by("pk").values_list("card_hash", "card_issued_at")) == before
    assert not AuditEvent.objects.filter(action="pupil.cards_printed").exists()


def test_a_coordinator_of_the_school_may_issue(room) -> None:  # type: ignore[no-untyped-def]
    coordinator = factories.staff(room.school, "ict@school.nl", roles=(StaffRole.ICT_COORDINATOR,))
    assert sorted(issue(room, coordinator)) == ["Anna", "Bram", "Chloe"]
