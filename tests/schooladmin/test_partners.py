"""Publishers and consent in the school console (D1): the page, the signed-off history with
receipts, withdrawal with confirmation, stale forms, several network providers, the CLI."""

from __future__ import annotations

import json
import re
import uuid
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from klaspoort.accounts.principal import Principal
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_register_partner
from klaspoort.federation.models import Consent, ConsentChange, OidcGrant, Partner
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffRole
from klaspoort.schooladmin.consent import check_receipt
from tests.accounts.pupils import roster
from tests.federation.factories import partner_spec_data
from tests.portal.world import sign_in
from tests.roster import factories

pytestmark = pytest.mark.django_db

URL = "/schoolbeheer/koppelingen/"


def register(slug: str, name: str, kind: str = "publisher", *, names: str = "", eck_id: str = "") -> Partner:
    data = partner_spec_data(slug)
    data.update(name=name, kind=kind, sector_id=slug)
    data["apps"][0].update(slug=f"{slug}-app", name=f"{name} app")
    data["apps"][0]["oidc"]["client_id"] = f"{slug}-app"
    data["data"] = {"purpose": f"{name} laat leerlingen oefenen.", "names": names, "eck_id": eck_id}
    return do_register_partner(parse_partner_spec(data)).partner


@pytest.fixture
def world() -> dict[str, Any]:
    school = factories.school()
    other = factories.school("34CD00", "De Klimop")
    coordinator = factories.staff(
        school, "ict@school.nl", roles=(StaffRole.ICT_COORDINATOR,), first_name="Ivo", surname="Smit"
    )
    return {
        "school": school,
        "other": other,
        "coordinator": coordinator,
        "noord": register("noord", "Uitgeverij Noord", names="Leerkrachten zien namen."),
        "zuid": register("zuid", "Uitgeverij Zuid", eck_id="Resultaten bij schoolwissel."),
        "net1": register("net-een", "Netwerk Een", "network_provider"),
        "net2": register("net-twee", "Netwerk Twee", "network_provider"),
    }


def form(html: str, partner: Partner) -> dict[str, str]:
    section = html.split(f'id="partner-{partner.slug}"')[1].split("</section>", maxsplit=1)[0]
    version = re.search(r'name="version" value="([^"]+)"', section)
    assert version is not None
    return {"partner": str(partner.uuid), "version": version.group(1)}


def test_the_page_lists_every_partner_with_what_it_asks_for(client: Client, world: dict[str, Any]) -> None:
    roster.sign_in_staff(client, world["coordinator"])
    html = client.get(URL).content.decode()
    order = re.findall(r'id="partner-([a-z-]+)"', html)
    assert order == ["noord", "zuid", "net-een", "net-twee"]
    noord = html.split('id="partner-noord"')[1].split("</section>")[0]
    assert "Uitgeverij Noord laat leerlingen oefenen." in noord
    assert "Leerkrachten zien namen." in noord
    assert 'name="names"' in noord
    assert 'name="eck_id"' not in noord
    assert "staat uit" in noord


def test_switching_on_with_names_is_a_signed_off_entry_with_a_receipt(
    client: Client, world: dict[str, Any]
) -> None:
    roster.sign_in_staff(client, world["coordinator"])
    noord = world["noord"]
    data = form(client.get(URL).content.decode(), noord)
    response = client.post(URL, {**data, "on": "1", "names": "1"})
    assert response.status_code == 302
    consent = Consent.objects.get(school=world["school"], partner=noord)
    assert (consent.active, consent.names, consent.eck_id) == (True, True, False)
    change = ConsentChange.objects.get(school=world["school"])
    assert (change.action, change.categories) == ("grant", ["identity", "names"])
    assert change.signed_by == "Ivo Smit <ict@school.nl>"
    html = client.get(URL).content.decode()
    assert f"/schoolbeheer/koppelingen/bewijs/{change.receipt}/" in html
    assert "Ivo Smit &lt;ict@school.nl&gt;" in html
    download = client.get(f"/schoolbeheer/koppelingen/bewijs/{change.receipt}/")
    assert (
        download["Content-Disposition"]
        == f'attachment; filename="klaspoort-toestemming-{change.receipt}.json"'
    )
    receipt = json.loads(download.content)
    assert receipt["partner"]["name"] == "Uitgeverij Noord"
    assert receipt["categories"] == ["identity", "names"]
    assert receipt["signed_by"] == "Ivo Smit <ict@school.nl>"
    assert receipt["school"]["brin"] == "12AB"
    assert check_receipt(receipt) is True
    assert check_receipt({**receipt, "categories": ["identity", "names", "eck_id"]}) is False


def test_withdrawal_asks_first_then_ends_grants(client: Client, world: dict[str, Any]) -> None:
    school, noord = world["school"], world["noord"]
    do_grant_consent(school, noord, actor=SystemActor("test"))
    grant = OidcGrant.objects.create(
        handle="h1", app=noord.apps.get(), person=uuid.uuid4(), school_ref=school.instelling_ref,
        principal={}, op_session="s", sid="sid", released={"sub": "x"}, scope="openid",
        redirect_uri="https://x.example/cb", created_at=noord.created_at, code_hash="c",
        code_expires_at=noord.created_at,
    )  # fmt: skip
    roster.sign_in_staff(client, world["coordinator"])
    data = form(client.get(URL).content.decode(), noord)
    asked = client.post(URL, data)  # "on" unticked
    assert asked.status_code == 200
    assert "verdwijnt de software van deze partner meteen" in asked.content.decode()
    assert Consent.objects.get(partner=noord).active is True
    done = client.post(URL, {**data, "confirmed": "1"})
    assert done.status_code == 302
    assert Consent.objects.get(partner=noord).active is False
    grant.refresh_from_db()
    assert grant.revoke_reason == "consent_withdrawn"
    assert ConsentChange.objects.filter(partner=noord).values_list("action", flat=True).last() == "withdraw"


def test_a_stale_form_is_refused_and_nothing_is_merged(client: Client, world: dict[str, Any]) -> None:
    roster.sign_in_staff(client, world["coordinator"])
    noord = world["noord"]
    first_tab = form(client.get(URL).content.decode(), noord)
    second_tab = dict(first_tab)
    assert client.post(URL, {**first_tab, "on": "1"}).status_code == 302
    response = client.post(URL, {**second_tab, "on": "1", "names": "1"})
    assert response.status_code == 409
    assert "intussen gewijzigd" in response.content.decode()
    consent = Consent.objects.get(partner=noord)
    assert (consent.active, consent.names) == (True, False)
    assert ConsentChange.objects.count() == 1


def test_a_category_the_partner_does_not_ask_for_is_refused(client: Client, world: dict[str, Any]) -> None:
    roster.sign_in_staff(client, world["coordinator"])
    data = form(client.get(URL).content.decode(), world["noord"])
    response = client.post(URL, {**data, "on": "1", "eck_id": "1"})
    assert response.status_code == 400
    assert not Consent.objects.exists()


def test_several_network_providers_are_on_at_once(client: Client, world: dict[str, Any]) -> None:
    roster.sign_in_staff(client, world["coordinator"])
    for partner in (world["net1"], world["net2"]):
        data = form(client.get(URL).content.decode(), partner)
        assert client.post(URL, {**data, "on": "1"}).status_code == 302
    on = Consent.objects.filter(school=world["school"], active=True).values_list("partner__slug", flat=True)
    assert sorted(on) == ["net-een", "net-twee"]


def _signed_in_as(client: Client, world: dict[str, Any], who: str) -> None:
    if who == "pupil":
        room = roster.classroom("56EF00")
        sign_in(
            client,
            Principal(kind="pupil", person=room.pupils["Anna"].uuid, school=room.school.instelling_ref),
        )
        return
    if who == "other_coordinator":
        placement = factories.staff(world["other"], "ict@klimop.nl", roles=(StaffRole.ICT_COORDINATOR,))
    else:
        placement = factories.staff(world["school"], f"{who}@school.nl", roles=(who,))
    roster.sign_in_staff(client, placement)


@pytest.mark.parametrize("who", ["teacher", "internal_counsellor", "substitute", "pupil"])
def test_others_get_403_and_change_nothing(client: Client, world: dict[str, Any], who: str) -> None:
    school, zuid = world["school"], world["zuid"]
    change = do_grant_consent(school, zuid, actor=SystemActor("test"))
    assert change is not None
    _signed_in_as(client, world, who)
    version = Consent.objects.get(partner=zuid).changed_at.isoformat()
    responses = [
        client.get(URL),
        client.post(URL, {"partner": str(zuid.uuid), "version": version, "confirmed": "1"}),
        client.post(URL, {"partner": str(world["noord"].uuid), "version": "new", "on": "1"}),
        client.get(f"/schoolbeheer/koppelingen/bewijs/{change.receipt}/"),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert list(
        Consent.objects.filter(school=school, active=True).values_list("partner__slug", flat=True)
    ) == ["zuid"]
    assert ConsentChange.objects.count() == 1


def test_another_schools_coordinator_neither_sees_nor_changes_this_school(
    client: Client, world: dict[str, Any]
) -> None:
    school, zuid = world["school"], world["zuid"]
    change = do_grant_consent(school, zuid, actor=SystemActor("test"))
    assert change is not None
    _signed_in_as(client, world, "other_coordinator")
    html = client.get(URL).content.decode()
    assert "De Klimop" in html
    assert str(change.receipt) not in html
    assert client.get(f"/schoolbeheer/koppelingen/bewijs/{change.receipt}/").status_code == 404
    version = Consent.objects.get(partner=zuid).changed_at.isoformat()
    response = client.post(URL, {"partner": str(zuid.uuid), "version": version, "confirmed": "1"})
    assert response.status_code == 409  # their own school has no consent for Zuid: nothing to withdraw
    assert Consent.objects.get(school=school, partner=zuid).active is True
    assert ConsentChange.objects.count() == 1


def test_the_page_costs_the_same_queries_for_many_partners(client: Client, world: dict[str, Any]) -> None:
    roster.sign_in_staff(client, world["coordinator"])
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for index in range(8):
        partner = register(f"extra-{index}", f"Extra {index}", names="x")
        do_grant_consent(world["school"], partner, names=True, actor=SystemActor("test"))
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(few) == len(many)


def test_the_cli_lists_switches_and_prints_a_receipt(world: dict[str, Any]) -> None:
    out = StringIO()
    call_command("school_consent", "12AB00", "noord", "--on", "--names", "--by", "Olga Operator", stdout=out)
    receipt = json.loads(out.getvalue())
    assert (receipt["action"], receipt["categories"], receipt["signed_by"]) == (
        "grant",
        ["identity", "names"],
        "Olga Operator",
    )
    listing = StringIO()
    call_command("school_consent", "12AB00", stdout=listing)
    assert "noord\tuitgever\taan (names)" in listing.getvalue().splitlines()
    with pytest.raises(CommandError, match="vraagt niet om eck_id"):
        call_command("school_consent", "12AB00", "noord", "--on", "--eck-id")
    call_command("school_consent", "12AB00", "noord", "--off", stdout=StringIO())
    assert Consent.objects.get(partner=world["noord"]).active is False
    assert list(ConsentChange.objects.values_list("action", flat=True)) == ["grant", "withdraw"]


def test_unknown_school_on_the_cli(world: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="niet geregistreerd"):
        call_command("school_consent", "99ZZ00")
    assert isinstance(world["school"], SchoolLocation)


def withdraw_in_console(school: SchoolLocation, partner: Partner) -> None:
    """The school's coordinator switches `partner` off on the console page and confirms."""
    coordinator = Client()
    roster.sign_in_staff(
        coordinator, factories.staff(school, "ict-console@school.nl", roles=(StaffRole.ICT_COORDINATOR,))
    )
    data = form(coordinator.get(URL).content.decode(), partner)
    assert "verdwijnt de software van deze partner meteen" in coordinator.post(URL, data).content.decode()
    assert Consent.objects.get(school=school, partner=partner).active is True  # asking changes nothing
    assert coordinator.post(URL, {**data, "confirmed": "1"}).status_code == 302
    assert Consent.objects.get(school=school, partner=partner).active is False
