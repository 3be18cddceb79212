"""Partners in the console: register and edit from the add-partner JSON, a new client secret shown
once, and each partner's disclosure log with filters and as CSV (queries independent of size)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.federation.actions import CLIENT_SECRET_PURPOSE
from klaspoort.federation.disclosure import disclose
from klaspoort.federation.keyed_hash import digest_matches
from klaspoort.federation.models import ConsentChange, Disclosure, Partner, PartnerApp
from klaspoort.operator import actions
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from tests.federation.factories import make_app, partner_spec_data, principal_for, tick
from tests.operator.conftest import actor
from tests.roster import factories


def _register(console: Client, data: object, url: str = "/beheer/partners/nieuw/") -> tuple[int, str]:
    response = console.post(url, {"registration": json.dumps(data)})
    return response.status_code, response.content.decode()


def test_register_a_partner_and_see_its_secret_once(console: Client, operator: Account) -> None:
    status, page = _register(console, partner_spec_data())
    assert status == 200
    app = PartnerApp.objects.get(slug="rekenwijs")
    secret = page.split("<dd><code>")[1].split("</code>")[0]
    assert len(secret) == 43
    assert digest_matches(secret, app.client_secret_hash, CLIENT_SECRET_PURPOSE)
    assert "Bewaar deze geheimen nu" in page
    detail = console.get("/beheer/partners/uitgeverij-noord/").content.decode()
    assert secret not in detail
    assert "&quot;client_id&quot;: &quot;rekenwijs&quot;" in detail
    assert list(AuditEvent.objects.filter(action="partner.registered").values_list("actor", flat=True)) == [
        actor(operator)
    ]


def test_edit_a_partner_through_the_same_registration(console: Client) -> None:
    _register(console, partner_spec_data())
    changed = partner_spec_data()
    changed["name"] = "Uitgeverij Noord-Holland"
    status, page = _register(console, changed, "/beheer/partners/uitgeverij-noord/")
    assert status == 200
    assert "Partner bijgewerkt" in page
    assert "<dd><code>" not in page  # the secret it has is not replaced or shown again
    assert Partner.objects.get().name == "Uitgeverij Noord-Holland"


def test_a_bad_registration_is_refused_with_its_problems_and_changes_nothing(console: Client) -> None:
    response = console.post("/beheer/partners/nieuw/", {"registration": "{niet json"})
    assert response.status_code == 400
    assert "Dit is geen geldige JSON" in response.content.decode()
    bad = partner_spec_data()
    bad["kind"] = "bakkerij"
    status, page = _register(console, bad)
    assert status == 400
    assert "partner.kind" in page
    assert Partner.objects.count() == 0
    assert not AuditEvent.objects.filter(action__startswith="partner.").exists()


def test_a_new_client_secret_is_shown_once_and_replaces_the_old_one(
    console: Client, operator: Account
) -> None:
    app, old_secret = make_app()
    response = console.post("/beheer/partners/apps/rekenwijs/geheim/")
    page = response.content.decode()
    assert response.status_code == 200
    new_secret = page.split('<code id="client-secret">')[1].split("</code>")[0]
    app.refresh_from_db()
    assert new_secret != old_secret
    assert digest_matches(new_secret, app.client_secret_hash, CLIENT_SECRET_PURPOSE)
    assert not digest_matches(old_secret, app.client_secret_hash, CLIENT_SECRET_PURPOSE)
    assert (
        AuditEvent.objects.filter(action="partner.client_secret_replaced", actor=actor(operator)).count() == 1
    )
    assert console.get("/beheer/partners/apps/rekenwijs/geheim/").status_code == 405


@pytest.fixture
def disclosed(db: None) -> tuple[Partner, SchoolLocation, SchoolLocation]:
    app, _secret = make_app()
    north = factories.school("12AB00", "De Regenboog")
    south = do_register_school("34CD00", name="De Klimop", board_number="41234")
    for school, count in ((north, 3), (south, 2)):
        tick(school, app.partner, names=True)
        for pupil in factories.pupils(factories.group(school), count):
            disclose(principal_for(pupil, school), app, purpose=Disclosure.Purpose.OIDC)
    return app.partner, north, south


def test_the_disclosure_log_filters_by_school_and_exports_csv(
    console: Client, disclosed: tuple[Partner, SchoolLocation, SchoolLocation]
) -> None:
    _partner, north, _south = disclosed
    page = console.get("/beheer/partners/uitgeverij-noord/verstrekkingen/").content.decode()
    assert page.count("<td>rekenwijs</td>") == 5
    only_north = console.get(
        "/beheer/partners/uitgeverij-noord/verstrekkingen/?school=12AB00"
    ).content.decode()
    assert only_north.count("<td>12AB00</td>") == 3
    assert "<td>34CD00</td>" not in only_north
    board = console.get("/beheer/partners/uitgeverij-noord/verstrekkingen/?board=41234").content.decode()
    assert (board.count("<td>12AB00</td>"), board.count("<td>34CD00</td>")) == (0, 2)
    response = console.get("/beheer/partners/uitgeverij-noord/verstrekkingen/?school=12AB00&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0] == ["when", "app", "school", "person_kind", "pseudonym", "fields", "purpose",
                       "consent_receipt", "consent_categories"]  # fmt: skip
    receipt = str(ConsentChange.objects.get(school=north).receipt)
    fields = " ".join(Disclosure.objects.filter(school_ref=north.instelling_ref).first().fields)  # type: ignore[union-attr]
    assert [row[1:4] + row[5:] for row in rows[1:]] == [
        ["rekenwijs", "12AB00", "pupil", fields, "oidc", receipt, "identity names"]
    ] * 3
    assert len(rows) == 4
    assert all(len(row[4]) == 64 for row in rows[1:])


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lists_take_the_same_queries_whatever_their_size(
    console: Client, disclosed: tuple[Partner, SchoolLocation, SchoolLocation]
) -> None:
    partner, north, _south = disclosed
    log = "/beheer/partners/uitgeverij-noord/verstrekkingen/"
    few_log, few_list = _queries(console, log), _queries(console, "/beheer/partners/")
    app = partner.apps.get()
    for pupil in factories.pupils(factories.group(north, "Groep 8", year_group="8"), 20):
        disclose(principal_for(pupil, north), app, purpose=Disclosure.Purpose.OIDC)
    for index in range(20):
        Partner.objects.create(
            slug=f"p{index}", name=f"Partner {index}", kind="publisher", sector_id=f"s{index}"
        )
    assert _queries(console, log) == few_log
    assert _queries(console, "/beheer/partners/") == few_list


def test_nobody_but_an_operator_registers_partners_or_makes_secrets(db: None, fast_hasher: None) -> None:
    app, _secret = make_app()
    before = (
        list(Partner.objects.values_list("slug", "name")),
        app.client_secret_hash,
        AuditEvent.objects.count(),
    )
    teacher = Account.objects.create_user("juf@example.nl", "wachtwoord-lang-genoeg")
    password_only = Account.objects.create_superuser("nofactor@example.nl", "x" * 20)
    for who in (None, teacher, password_only):
        with pytest.raises(PermissionDenied):
            actions.do_register_partner(who, partner_spec_data(slug="nieuw"))  # type: ignore[arg-type]
        with pytest.raises(PermissionDenied):
            actions.do_new_client_secret(who, app)  # type: ignore[arg-type]
    app.refresh_from_db()
    after = (
        list(Partner.objects.values_list("slug", "name")),
        app.client_secret_hash,
        AuditEvent.objects.count(),
    )
    assert after == before
