"""The one staff layout: header with school and person, the menu by role, Schoolbeheer for
coordinators only, and the pupil portal's own header."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from klaspoort.accounts.header import SESSION_KEY, Header, header_of
from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import Principal
from klaspoort.accounts.pupils.templatetags.pupil_pictures import identity_svg
from klaspoort.roster.models import StaffPlacement, StaffRole
from klaspoort.schooladmin.navigation import SCHOOLBEHEER
from tests.accounts.pupils import roster
from tests.portal.world import sign_in
from tests.roster import factories

pytestmark = pytest.mark.django_db


def menu(html: str) -> list[str]:
    header = html.split("</header>", maxsplit=1)[0]
    return re.findall(r"<li><a href=\"[^\"]+\"[^>]*>([^<]+)</a></li>", header)


def subnav(html: str) -> list[str]:
    found = re.search(r'<nav class="subnav"[^>]*>(.*?)</nav>', html, re.S)
    return re.findall(r">([^<>]+)</a>", found.group(1)) if found else []


PASSWORD = "zonnebloem42"


def log_in(client: Client, placement: StaffPlacement) -> None:
    assert client.post("/login/", {"email": placement.staff.email, "password": PASSWORD}).status_code == 302


@pytest.fixture
def school_staff(settings: Any) -> dict:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    school = factories.school(name="De Regenboog")
    home = factories.group(school, "Groep 5")
    teacher = factories.staff(
        school,
        "juf@school.nl",
        groups=[home],
        first_name="Jet",
        surname="Bakker",
        account=Account.objects.create_user("juf@school.nl", PASSWORD, kind="staff", is_active=True),
    )
    coordinator = factories.staff(
        school,
        "ict@school.nl",
        roles=(StaffRole.ICT_COORDINATOR,),
        first_name="Ivo",
        surname="Smit",
        account=Account.objects.create_user("ict@school.nl", PASSWORD, kind="staff", is_active=True),
    )
    return {"school": school, "group": home, "teacher": teacher, "coordinator": coordinator}


def test_a_teacher_sees_the_school_and_own_name_and_the_menu_without_schoolbeheer(
    client: Client, school_staff: dict
) -> None:
    roster.sign_in_staff(client, school_staff["teacher"])
    html = client.get("/klas/").content.decode()
    header = html.split("</header>")[0]
    assert '<span class="who-person">Jet Bakker</span>' in header
    assert ">De Regenboog</a>" in header
    assert menu(html) == ["Software", "Mijn groepen", "Profiel"]
    assert 'aria-current="page">Mijn groepen' in header
    assert ">Uitloggen</button>" in header
    assert subnav(html) == []


def test_every_staff_page_has_the_same_header(client: Client, school_staff: dict) -> None:
    log_in(client, school_staff["coordinator"])
    pages = ["/portal/", "/klas/", f"/klas/{school_staff['group'].uuid}/", "/start/", "/school/staff/",
             "/schoolbeheer/", "/schoolbeheer/netwerk/", "/profile/two-factor/", "/schoolbeheer/koppelingen/",
             "/schoolbeheer/leerlinggegevens/", "/schoolbeheer/links/", "/schoolbeheer/links/apparaten/",
             "/schoolbeheer/licenties/", "/schoolbeheer/koppeling/", "/schoolbeheer/invallers/",
             f"/klas/{school_staff['group'].uuid}/invaller/", "/profile/"]  # fmt: skip
    for url in pages:
        html = client.get(url).content.decode()
        header = html.split("</header>", maxsplit=1)[0]
        assert menu(html) == ["Software", "Mijn groepen", "Schoolbeheer", "Profiel"], url
        assert '<span class="who-person">Ivo Smit</span>' in header, url
        assert ">De Regenboog</a>" in header, url
        assert ">Uitloggen</button>" in header, url
        assert '<form class="language-switch" action="/i18n/setlang/" method="post">' in header, url
        assert (
            '<button type="submit" name="language" value="en" lang="en" class="secondary">English</button>'
            in header
        ), url


def test_the_coordinator_finds_every_schoolbeheer_page_on_it_and_in_the_second_menu(
    client: Client, school_staff: dict
) -> None:
    log_in(client, school_staff["coordinator"])
    html = client.get("/schoolbeheer/").content.decode()
    expected = [(reverse(item.url_name), str(item.label)) for item in SCHOOLBEHEER]
    assert subnav(html) == [label for _url, label in expected]
    links = re.findall(r'<li class="card"><a href="([^"]+)">([^<]+)</a>', html)
    assert links == expected
    assert set(expected) >= {
        ("/school/staff/", "Medewerkers"),
        ("/schoolbeheer/leerlinggegevens/", "Leerlinggegevens"),
        ("/schoolbeheer/koppelingen/", "Koppelingen"),
        ("/schoolbeheer/koppeling/", "Koppeling met de LAS"),
        ("/schoolbeheer/licenties/", "Licenties"),
        ("/schoolbeheer/netwerk/", "Schoolnetwerk"),
        ("/profile/two-factor/", "Instellingen"),
    }
    for url, _label in expected:  # every Schoolbeheer page opens for the coordinator
        assert client.get(url).status_code == 200, url
    network = client.get("/schoolbeheer/netwerk/").content.decode()
    assert 'aria-current="page">Schoolnetwerk' in network
    assert 'aria-current="page">Schoolbeheer' in network.split("</header>")[0]


def test_teachers_get_403_on_schoolbeheer(client: Client, school_staff: dict) -> None:
    roster.sign_in_staff(client, school_staff["teacher"])
    response = client.get("/schoolbeheer/")
    assert response.status_code == 403
    assert "Alleen de ICT-coördinator" in response.content.decode()


def test_the_header_is_read_once_and_then_kept_in_the_session(
    client: Client, school_staff: dict, django_assert_num_queries: Any
) -> None:
    roster.sign_in_staff(client, school_staff["teacher"])
    request = RequestFactory().get("/portal/")
    request.session = client.session
    assert list(request.session.keys()) == ["kp_principal"]
    with django_assert_num_queries(1):
        assert header_of(request) == Header("staff", "De Regenboog", "Jet Bakker", ("teacher",))
    with django_assert_num_queries(0):
        assert header_of(request) == Header("staff", "De Regenboog", "Jet Bakker", ("teacher",))
    client.get("/klas/")
    assert client.session[SESSION_KEY]["person"] == "Jet Bakker"


def test_a_pupil_sees_own_picture_and_first_name_and_no_link_to_other_pages(client: Client) -> None:
    room = roster.classroom(names=("Anna",))
    credential = roster.credentials(room.group)["Anna"]
    sign_in(
        client, Principal(kind="pupil", person=room.pupils["Anna"].uuid, school=room.school.instelling_ref)
    )
    html = client.get("/portal/").content.decode()
    header = html.split("</header>")[0]
    assert '<span class="me-name">Anna</span>' in header
    assert identity_svg(credential.picture, "picture") in header
    assert ">Uitloggen</button>" in header
    assert "<a " not in header.split('class="skip-link"')[1].split("</a>", 1)[1]
    assert "/klas/" not in html
    assert 'href="/"' not in html
