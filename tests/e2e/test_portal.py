"""The whole path in Chromium: pupil shortcut login → portal tiles from both demo publishers (real
processes) → click → signed in at the publisher with the right pseudonym (OIDC and SAML); the deep
link with TARGET; teacher login, teacher tiles and admin links; the parents' home login (home
context); consent withdrawal; a hanging publisher."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from klaspoort.accounts.actions import do_set_password
from klaspoort.accounts.home.actions import do_set_home_addresses
from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import Principal
from klaspoort.accounts.pupils.actions import do_new_code
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.staff import ensure_staff_accounts
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_withdraw_consent
from klaspoort.federation.models import Partner
from klaspoort.federation.pseudonyms import pairwise_subject
from tests.accounts.pupils import roster
from tests.e2e.conftest import DemoPublisher, register_both, session_cookie
from tests.portal.stub_publisher import Behaviour, StubPublisher
from tests.portal.world import register_app
from tests.roster import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Zonnebloem-42"
PIN = "4821"
PARENT = "ouder@klaproos.example"


@pytest.fixture
def school_world(platform: Any, demo_publishers: dict[str, DemoPublisher]) -> dict[str, Any]:
    school = factories.school("99DM00", "Demoschool De Klaproos")
    group = factories.group(school, "Groep 5a")
    pupil = factories.pupil(group, "Sanne", "de Vries")
    credential = roster.credentials(group)["Sanne"]
    do_new_code(
        credential, actor=SystemActor("test"), school_ref=school.instelling_ref, kind=CodeKind.PIN, code=PIN
    )
    teacher = factories.staff(
        school, "juf@klaproos.example", groups=(group,), first_name="Jan", surname="Jansen"
    ).staff
    register_both(demo_publishers, school)
    return {"school": school, "group": group, "pupil": pupil, "teacher": teacher}


def shortcut_login(page: Any, world: dict[str, Any], start: str = "") -> None:
    """The pupil's own way in: school shortcut, group, own name, PIN on the keypad."""
    page.goto(start or f"/s/{world['school'].instelling_ref}/")
    page.get_by_role("link", name="Groep 5a").click()
    page.get_by_role("link", name="Sanne").click()
    for digit in PIN:
        page.get_by_role("button", name=digit, exact=True).click()


@pytest.fixture
def page(browser: Any, platform: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=platform.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def sign_in_pupil(page: Any, world: dict[str, Any], context: str = "school") -> None:
    principal = Principal(
        kind="pupil", person=world["pupil"].uuid, school=world["school"].instelling_ref, context=context
    )
    page.context.add_cookies([session_cookie(principal, settings.BASE_URL)])


def tile_names(page: Any) -> list[str]:
    return [name.strip() for name in page.locator(".tile .tile-name").all_inner_texts()]


def test_pupil_sees_tiles_of_both_publishers_and_arrives_signed_in(
    page: Any, school_world: dict[str, Any], demo_publishers: dict[str, DemoPublisher]
) -> None:
    shortcut_login(page, school_world)
    page.wait_for_url("**/portal/")
    assert tile_names(page) == [
        "Rekenrijk oefenen",
        "Rekenrijk toets",
        "Taalzee lezen",
        "Taalzee spellingtoets",
        "Taalzee woordenboek",
    ]
    assert page.locator("#unavailable").count() == 0
    pupil = school_world["pupil"]

    page.get_by_role("link", name="Rekenrijk oefenen").click()  # OpenID Connect
    page.wait_for_url(f"{demo_publishers['oidc'].url}/app/oefenen")
    expected = pairwise_subject("demo-rekenrijk", pupil.uuid, settings.PSEUDONYM_SECRET)
    assert page.locator("#pseudonym").inner_text() == expected
    assert page.locator("#role").inner_text() == "pupil"
    assert "Groep 5a" in page.locator("#groups").inner_text()
    withheld = page.locator("#withheld").inner_text()
    assert "voornaam" in withheld
    assert "achternaam" in withheld
    assert "Sanne" not in page.content()

    page.goto("/portal/")
    page.get_by_role("link", name="Taalzee lezen").click()  # IdP-initiated SAML
    page.wait_for_url(f"{demo_publishers['saml'].url}/app/lezen")
    assert page.locator("#pseudonym").inner_text() == pairwise_subject(
        "demo-taalzee", pupil.uuid, settings.PSEUDONYM_SECRET
    )
    assert page.locator("#role").inner_text() == "student"
    assert "Groep 5a" in page.locator("#groups").inner_text()  # learnt from the licence request
    assert "Vries" not in page.content()


def test_deep_link_with_target_opens_the_product_after_the_shortcut_login(
    page: Any, school_world: dict[str, Any], demo_publishers: dict[str, DemoPublisher]
) -> None:
    target = f"{demo_publishers['oidc'].url}/app/oefenen"
    ref = school_world["school"].instelling_ref
    shortcut_login(
        page, school_world, f"/login/leerlingen/snelkoppelaar?INSTELLING_REF={ref}&TARGET={target}"
    )
    page.wait_for_url(target)
    assert page.locator("#pseudonym").inner_text() == pairwise_subject(
        "demo-rekenrijk", school_world["pupil"].uuid, settings.PSEUDONYM_SECRET
    )


def test_teacher_logs_in_and_sees_teacher_products_and_admin_links(
    page: Any, school_world: dict[str, Any], demo_publishers: dict[str, DemoPublisher]
) -> None:
    teacher = school_world["teacher"]
    (account,) = ensure_staff_accounts([teacher]) or [teacher.account]
    do_set_password(account, PASSWORD, actor="test")
    page.goto("/login/")
    page.get_by_label("E-mailadres").fill("juf@klaproos.example")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/portal/")
    assert tile_names(page) == [
        "Rekenrijk voor de leerkracht",
        "Taalzee voor de leerkracht",
        "Taalzee woordenboek",
    ]
    links = page.locator("#materials a")
    assert links.all_inner_texts() == [
        "Uitgeverij Rekenrijk (demo) — Rekenrijk",
        "Uitgeverij Taalzee (demo) — Taalzee",
    ]
    assert [links.nth(i).get_attribute("href") for i in range(2)] == [
        f"{demo_publishers['oidc'].url}/beheer",
        f"{demo_publishers['saml'].url}/beheer",
    ]
    page.get_by_role("link", name="Rekenrijk voor de leerkracht").click()
    page.wait_for_url(f"{demo_publishers['oidc'].url}/app/leerkracht")
    assert page.locator("#role").inner_text() == "staff"
    assert page.locator("#pseudonym").inner_text() == pairwise_subject(
        "demo-rekenrijk", teacher.uuid, settings.PSEUDONYM_SECRET
    )


def test_at_home_school_only_products_are_hidden_and_refused(page: Any, school_world: dict[str, Any]) -> None:
    """The parents' home login (C6): parent signs in, the child picks itself and types its code."""
    do_set_home_addresses(school_world["pupil"], [PARENT], actor=SystemActor("test"))
    do_set_password(Account.objects.get(email=PARENT, kind=Account.Kind.PARENT), PASSWORD, actor="test")
    page.goto("/thuis/")
    page.get_by_label("E-mailadres").fill(PARENT)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/thuis/kinderen/*/")  # one child: straight to its code step
    for digit in PIN:
        page.get_by_role("button", name=digit, exact=True).click()
    page.wait_for_url("**/portal/")
    assert page.locator("h1").inner_text() == "Jouw software thuis"
    assert tile_names(page) == ["Rekenrijk oefenen", "Taalzee lezen", "Taalzee woordenboek"]
    page.goto("/launch/rekenrijk/toets/")
    assert page.locator("[data-reason]").get_attribute("data-reason") == "no_licence"


def test_withdrawn_consent_removes_tiles_and_refuses_launch(page: Any, school_world: dict[str, Any]) -> None:
    sign_in_pupil(page, school_world)
    page.goto("/portal/")
    assert "Taalzee lezen" in tile_names(page)
    do_withdraw_consent(school_world["school"], Partner.objects.get(slug="demo-taalzee"), actor="test")
    page.reload()
    assert tile_names(page) == ["Rekenrijk oefenen", "Rekenrijk toets"]
    page.goto("/launch/taalzee/lezen/")
    assert page.locator("[data-reason]").get_attribute("data-reason") == "not_enabled"
    assert "Je school heeft deze software niet aangezet." in page.locator("main").inner_text()


def test_a_hanging_publisher_costs_its_timeout_and_leaves_the_other_tiles(
    page: Any, school_world: dict[str, Any], settings: Any
) -> None:
    settings.PORTAL_LICENCE_TIMEOUT = 0.6
    with StubPublisher(Behaviour(hang=True)) as hanging:
        app = register_app("traagzee", hanging.url, name="Traagzee")
        do_grant_consent(school_world["school"], app.partner, actor=SystemActor("test"))
        sign_in_pupil(page, school_world)
        page.goto("/portal/")  # warm: the first licence calls also fetch the JWKS
        started = time.perf_counter()
        page.reload()
        elapsed = time.perf_counter() - started
        assert len(tile_names(page)) == 5
        assert "We konden Uitgeverij Traagzee nu niet bereiken." in page.locator("#unavailable").inner_text()
        assert elapsed < 0.6 + 3.0  # the stub hangs 30 s
