"""Performance (#16): every console page issues the same number of queries for a small school and
for a bigger one (more groups, pupils, staff, partners and consent changes). The licence overview,
which also asks the publishers, has its own test (test_licences.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klaspoort.accounts.models import Account
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_withdraw_consent
from klaspoort.roster.models import StaffRole
from klaspoort.schooladmin.navigation import SCHOOLBEHEER
from tests.roster import factories
from tests.schooladmin.test_partners import register

pytestmark = pytest.mark.django_db

ASKS_PUBLISHERS = {"schooladmin:licences"}
PASSWORD = "zonnebloem42"


def console_pages() -> list[str]:
    return [
        "/schoolbeheer/",
        "/klas/",
        "/profile/",
        *(reverse(item.url_name) for item in SCHOOLBEHEER if item.url_name not in ASKS_PUBLISHERS),
        reverse("schooladmin:devices"),
    ]


def counts(client: Client, pages: list[str]) -> dict[str, int]:
    found = {}
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        found[url] = len(queries)
    return found


def grow(school: Any, index: int) -> None:
    """One more group with pupils and a teacher, a support colleague, and a partner switched on,
    changed and off again."""
    group = factories.group(school, f"Groep {index}b", year_group=str(1 + index % 8))
    factories.pupils(group, 4)
    factories.staff(school, f"juf{index}@school.nl", groups=(group,), surname=f"Leerkracht{index}")
    factories.staff(school, f"ib{index}@school.nl", roles=(StaffRole.INTERNAL_COUNSELLOR,))
    partner = register(f"groei-{index}", f"Uitgeverij Groei {index}", names="Namen voor de leerkracht.")
    do_grant_consent(school, partner, actor=SystemActor("test"))
    do_grant_consent(school, partner, names=True, actor=SystemActor("test"))
    do_withdraw_consent(school, partner, actor="test")


def test_every_console_page_costs_the_same_queries_for_a_bigger_school(client: Client, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    school = factories.school()
    home = factories.group(school, "Groep 5a")
    factories.pupils(home, 3)
    do_grant_consent(school, register("klein", "Uitgeverij Klein"), actor=SystemActor("test"))
    coordinator = factories.staff(
        school,
        "ict@school.nl",
        groups=(home,),
        roles=(StaffRole.TEACHER, StaffRole.ICT_COORDINATOR),
        account=Account.objects.create_user("ict@school.nl", PASSWORD, kind="staff", is_active=True),
    )
    assert client.post("/login/", {"email": coordinator.staff.email, "password": PASSWORD}).status_code == 302
    pages = console_pages()
    assert len(pages) == len(set(pages)) >= 10
    counts(client, pages)  # the header is read once and kept in the session
    small = counts(client, pages)
    for index in range(12):
        grow(school, index)
    big = counts(client, pages)
    assert big == small, (small, big)
    assert big == {  # the same on SQLite and PostgreSQL
        "/schoolbeheer/": 2, "/klas/": 3, "/profile/": 4, "/school/staff/": 4,
        "/schoolbeheer/leerlinggegevens/": 5, "/schoolbeheer/koppelingen/": 6, "/schoolbeheer/koppeling/": 5,
        "/schoolbeheer/links/": 2, "/schoolbeheer/invallers/": 5, "/schoolbeheer/netwerk/": 5,
        "/profile/two-factor/": 5, "/schoolbeheer/links/apparaten/": 2,
    }  # fmt: skip
