"""Bad input (#16): a teacher, a parent, a pupil and another school's coordinator get 403 on every
console page and action (every URL under /schoolbeheer/ and the staff page, read from the URL
configuration, so a new console page must be added here), and nothing changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent
from klaspoort.federation.models import Consent, ConsentChange, Partner
from klaspoort.laslink.models import LasLink
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import ImportRun, Pupil, SchoolYearStart, StaffRole
from klaspoort.schooladmin.models import AgentToken, FixedRange, SchoolNetwork
from klaspoort.substitutes.models import Substitution
from klaspoort.twofactor.models import SchoolTwoFactorPolicy
from tests.accounts.pupils import roster as sessions
from tests.roster import factories
from tests.roster.importing.conftest import set_today
from tests.roster.importing.database import roster_state
from tests.roster.importing.documents import as_bytes, roster
from tests.schooladmin.test_partners import register

pytestmark = pytest.mark.django_db

CONSOLE = ("schoolbeheer/", "school/staff/")
PASSWORD = "zonnebloem42"
NOT_CONSOLE = {"schooladmin:agent_report"}  # the network agent's report (a token, no session)
OTHER_TABLES = (
    Consent, ConsentChange, FixedRange, AgentToken, LasLink, Substitution,
    SchoolYearStart, SchoolTwoFactorPolicy,
)  # fmt: skip


def console_url_names() -> set[str]:
    """Every named URL of the staff console, from the URL configuration."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
                )
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}"

    found = {name for path, name in walk(get_resolver().url_patterns, "", "") if path.startswith(CONSOLE)}
    return found - NOT_CONSOLE


def state() -> dict[str, list[dict[str, Any]]]:
    """Every row of the roster, consent, network, LAS link, substitute and settings tables (the
    network settings of this school only: opening the page makes another school's row)."""
    this = SchoolNetwork.objects.filter(school__brin="12AB")
    return {
        **roster_state(),
        **{model.__name__: list(model.objects.order_by("pk").values()) for model in OTHER_TABLES},
        "SchoolNetwork": list(this.order_by("pk").values()),
        "AuditEvent": list(AuditEvent.objects.exclude(outcome="denied").order_by("pk").values()),
    }


@pytest.fixture
def school(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    set_today(monkeypatch, dt.date(2026, 12, 3))
    school = factories.school()
    factories.pupil(factories.group(school, "Groep 5"), "Sanne", "de Vries")
    coordinator = factories.staff(school, "ict@regenboog.nl", roles=(StaffRole.ICT_COORDINATOR,))
    zuid = register("zuid", "Uitgeverij Zuid")
    noord = register("noord", "Uitgeverij Noord")
    change = do_grant_consent(school, zuid, actor=SystemActor("test"))
    assert change is not None
    mine = Client()
    sessions.sign_in_staff(mine, coordinator)
    uploaded = mine.post(
        "/schoolbeheer/leerlinggegevens/",
        {"bestand": SimpleUploadedFile("EDEX.XML", as_bytes(roster())), "formaat": "auto"},
    )
    assert uploaded.status_code == 302
    return {
        "school": school,
        "coordinator": coordinator,
        "zuid": zuid,
        "noord": noord,
        "receipt": change.receipt,
        "preview": uploaded["Location"],
        "run": ImportRun.objects.get().pk,
    }


def requests(world: dict[str, Any]) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
    """Per console URL name: what is asked of it (method, path, form), each action as the school's
    coordinator would send it."""
    zuid, noord = world["zuid"], world["noord"]
    on = Consent.objects.get(partner=zuid).changed_at.isoformat()
    file = SimpleUploadedFile("EDEX.XML", as_bytes(roster()))
    return {
        "schooladmin:home": [("get", "/schoolbeheer/", {})],
        "schooladmin:partners": [
            ("get", "/schoolbeheer/koppelingen/", {}),
            ("post", "/schoolbeheer/koppelingen/", {"partner": str(noord.uuid), "version": "new", "on": "1"}),
            ("post", "/schoolbeheer/koppelingen/", {"partner": str(zuid.uuid), "version": on, "confirmed": "1"}),
        ],
        "schooladmin:consent_receipt": [("get", f"/schoolbeheer/koppelingen/bewijs/{world['receipt']}/", {})],
        "schooladmin:licences": [("get", "/schoolbeheer/licenties/", {})],
        "schooladmin:links": [("get", "/schoolbeheer/links/", {})],
        "schooladmin:devices": [("get", "/schoolbeheer/links/apparaten/", {})],
        "schooladmin:link_file": [
            ("get", f"/schoolbeheer/links/{which}.{kind}", {})
            for which in ("leerlingen", "medewerkers")
            for kind in ("url", "webloc", "mobileconfig", "json")
        ],
        "schooladmin:network": [
            ("get", "/schoolbeheer/netwerk/", {}),
            ("post", "/schoolbeheer/netwerk/", {"action": "add_range", "cidr": "203.0.113.0/24", "label": "x"}),
            ("post", "/schoolbeheer/netwerk/", {"action": "mode", "mode": "dynamic"}),
            ("post", "/schoolbeheer/netwerk/", {"action": "issue_token", "label": "pc"}),
        ],
        "schooladmin:roster": [
            ("get", "/schoolbeheer/leerlinggegevens/", {}),
            ("post", "/schoolbeheer/leerlinggegevens/", {"bestand": file, "formaat": "auto"}),
        ],
        "schooladmin:roster_template": [("get", "/schoolbeheer/leerlinggegevens/sjabloon.csv", {})],
        "schooladmin:roster_start": [
            ("post", "/schoolbeheer/leerlinggegevens/begindatum/", {"schooljaar": "2027", "begindatum": "2027-08-24"}),
        ],
        "schooladmin:roster_preview": [
            ("get", world["preview"], {}),
            ("post", world["preview"], {"bevestig": "1"}),
        ],
        "schooladmin:roster_run": [("get", f"/schoolbeheer/leerlinggegevens/import/{world['run']}/", {})],
        "schooladmin:roster_download": [
            ("get", f"/schoolbeheer/leerlinggegevens/import/{world['run']}/rapport.json", {})
        ],
        "laslink:link": [
            ("get", "/schoolbeheer/koppeling/", {}),
            ("post", "/schoolbeheer/koppeling/", {"action": "on", "vendor": "las-a"}),
        ],
        "substitutes:school": [("get", "/schoolbeheer/invallers/", {})],
        "accounts:school_staff": [
            ("get", "/school/staff/", {}),
            ("post", "/school/staff/", {"action": "add", "email": "nieuw@regenboog.nl", "role": "ict_coordinator"}),
            ("post", "/school/staff/", {"action": "add_role", "placement": world["coordinator"].pk, "role": "teacher"}),
            ("post", "/school/staff/", {"action": "remove_role", "placement": world["coordinator"].pk,
                                        "role": "ict_coordinator", "confirmed": "1"}),
        ],
    }  # fmt: skip


def log_in(client: Client, school: SchoolLocation, email: str, role: str) -> None:
    account = Account.objects.create_user(email, PASSWORD, kind="staff", is_active=True)
    factories.staff(school, email, roles=(role,), account=account)
    assert client.post("/login/", {"email": email, "password": PASSWORD}).status_code == 302


def sign_in(client: Client, world: dict[str, Any], who: str) -> None:
    """A teacher through the staff login (the staff page needs the account), a pupil at school and
    a parent's home login of that pupil as the sessions the pupil link and the home login make."""
    school: SchoolLocation = world["school"]
    if who == "teacher":
        log_in(client, school, "juf@regenboog.nl", StaffRole.TEACHER)
        return
    pupil = Pupil.objects.get(school=school, first_name="Sanne")
    context = "school" if who == "pupil" else "home"
    session = client.session
    session[SESSION_KEY] = Principal(
        kind="pupil", person=pupil.uuid, school=school.instelling_ref, context=context
    ).to_session()
    session.save()


def test_every_console_url_is_in_the_sweep(school: dict[str, Any]) -> None:
    assert set(requests(school)) == console_url_names()


@pytest.mark.parametrize("who", ["teacher", "parent", "pupil"])
def test_a_teacher_parent_or_pupil_gets_403_everywhere_and_nothing_changes(
    client: Client, school: dict[str, Any], who: str, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sign_in(client, school, who)
    before = state()
    statuses = {
        (method, path, tuple(sorted(form))): getattr(client, method)(path, form).status_code
        for asked in requests(school).values()
        for method, path, form in asked
    }
    assert {key: status for key, status in statuses.items() if status != 403} == {}
    assert len(statuses) == 35  # every request above, none the same
    assert state() == before


def test_another_schools_coordinator_reaches_nothing_of_this_school(
    client: Client, school: dict[str, Any], settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    log_in(client, factories.school("34CD00", "De Klimop"), "ict@klimop.nl", StaffRole.ICT_COORDINATOR)
    before = state()
    pages = [path for asked in requests(school).values() for method, path, _form in asked if method == "get"]
    statuses = {}
    for path in dict.fromkeys(pages):
        response = client.get(path)
        statuses[path] = response.status_code
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert "De Klimop" in html, path
            assert "De Regenboog" not in html, path
            assert "Sanne" not in html, path
    assert {path: status for path, status in statuses.items() if status != 200} == {
        f"/schoolbeheer/koppelingen/bewijs/{school['receipt']}/": 404,
        school["preview"]: 403,
        f"/schoolbeheer/leerlinggegevens/import/{school['run']}/": 403,
        f"/schoolbeheer/leerlinggegevens/import/{school['run']}/rapport.json": 403,
    }
    assert client.post(school["preview"], {"bevestig": "1"}).status_code == 403
    version = Consent.objects.get(partner=school["zuid"]).changed_at.isoformat()
    refused = client.post(
        "/schoolbeheer/koppelingen/",
        {"partner": str(school["zuid"].uuid), "version": version, "confirmed": "1"},
    )
    assert refused.status_code == 409  # their school has no consent for Zuid: nothing to withdraw
    after = client.post("/school/staff/", {"action": "remove_role", "placement": school["coordinator"].pk,
                                           "role": "ict_coordinator", "confirmed": "1"})  # fmt: skip
    assert after.status_code in (400, 404)
    assert state() == before
    assert Partner.objects.count() == 2
