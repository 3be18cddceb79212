"""Mergers and splits (A8): who goes where, the same pseudonym for every partner before and after,
the automatic link paused, new references, old shortcuts that say where the school went, and
refusals in the preview that change nothing."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from lxml import etree

from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import Principal
from klaspoort.audit.models import AuditEvent
from klaspoort.core.actors import SystemActor
from klaspoort.core.clock import today
from klaspoort.federation.actions import do_register_partner
from klaspoort.federation.disclosure import disclose
from klaspoort.federation.models import Consent, Disclosure, PartnerApp
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.federation.saml import partners as saml_partners
from klaspoort.federation.saml.actions import do_issue_response
from klaspoort.laslink.models import LasLink, LasVendor
from klaspoort.laslink.sync import queue_due_links
from klaspoort.operator import actions
from klaspoort.operator.models import Reorganisation
from klaspoort.operator.reorganisations import Part, ReorganisationRefused, preview_merger, preview_split
from klaspoort.registry.models import RetiredInstellingRef, SchoolLocation, SchoolSuccession
from klaspoort.roster.edexml.generator import generate_roster
from klaspoort.roster.edexml.writer import write_edexml
from klaspoort.roster.importing.actions import do_import_edexml
from klaspoort.roster.models import Group, Pupil, PupilMembership, StaffMember, StaffPlacement
from klaspoort.schooladmin.actions import (
    do_add_fixed_range,
    do_issue_agent_token,
    do_set_shortcut_restriction,
)
from klaspoort.schooladmin.models import FixedRange, SchoolNetwork
from tests.federation.factories import tick
from tests.federation.saml.pysaml2_sp import SP_ACS_URL, SP_ENTITY_ID
from tests.operator.conftest import actor
from tests.roster import factories

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"


@pytest.fixture
def partner_apps(db: None) -> tuple[PartnerApp, PartnerApp]:
    """One partner with an OpenID Connect app and a SAML app in one sector."""
    spec = {
        "slug": "uitgeverij-noord",
        "name": "Uitgeverij Noord",
        "kind": "publisher",
        "sector_id": "noord.example",
        "apps": [
            {
                "slug": "rekenwijs",
                "name": "Rekenwijs",
                "oidc": {"client_id": "rekenwijs", "redirect_uris": ["https://rekenwijs.example/cb"],
                         "scopes": ["openid", "profile"]},
            },
            {"slug": "taalwijs", "name": "Taalwijs", "saml": {"entity_id": SP_ENTITY_ID, "acs_urls": [SP_ACS_URL]}},
        ],
    }  # fmt: skip
    do_register_partner(parse_partner_spec(spec), actor="test")
    apps = PartnerApp.objects.select_related("partner")
    return apps.get(slug="rekenwijs"), apps.get(slug="taalwijs")


def pseudonyms(
    person: Pupil | StaffMember, school: SchoolLocation, apps: tuple[PartnerApp, PartnerApp]
) -> tuple[str, str]:
    """What the partner receives as OIDC `sub` and as SAML NameID, through the real disclosure path."""
    kind = "pupil" if isinstance(person, Pupil) else "staff"
    principal = Principal(kind=kind, person=person.uuid, school=school.instelling_ref)
    sub = disclose(principal, apps[0], purpose=Disclosure.Purpose.OIDC).sub
    saml_app = saml_partners.app_by_entity_id(SP_ENTITY_ID)
    assert saml_app is not None
    post = do_issue_response(principal, saml_app, acs_url=SP_ACS_URL, in_response_to=None)
    name_id = etree.fromstring(base64.b64decode(post.saml_response)).find(f".//{{{SAML}}}NameID")
    assert name_id is not None
    assert name_id.text
    return sub, name_id.text


def _link(school: SchoolLocation) -> LasLink:
    vendor, _created = LasVendor.objects.get_or_create(
        slug="parnassys", defaults={"name": "ParnasSys", "client_id": "parnassys", "secret_hash": "x"}
    )
    return LasLink.objects.create(
        school=school, vendor=vendor, las_enabled=True, school_enabled=True, next_run_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )  # fmt: skip


def _snapshot() -> dict[str, Any]:
    return {
        "schools": sorted(SchoolLocation.objects.values_list("brin", "location_code", "active")),
        "pupils": sorted(Pupil.objects.values_list("pk", "school_id", "active")),
        "groups": sorted(Group.objects.values_list("pk", "school_id")),
        "placements": sorted(StaffPlacement.objects.values_list("pk", "school_id", "active")),
        "consents": sorted(Consent.objects.values_list("school_id", "partner_id", "active")),
        "links": sorted(LasLink.objects.values_list("pk", "paused_at")),
        "reorganisations": Reorganisation.objects.count(),
        "retired": RetiredInstellingRef.objects.count(),
    }


@pytest.fixture
def two_schools(db: None) -> dict[str, Any]:
    north = factories.school("12AB00", "De Regenboog")
    south = factories.school("12AB01", "De Zonnebloem")
    group_n = factories.group(north, "Groep 5", year_group="5")
    group_s = factories.group(south, "Groep 6", year_group="6")
    pupil_n = factories.pupil(group_n, "Zoë")
    pupil_s = factories.pupil(group_s, "Daan")
    teacher = factories.staff(north, "anna@example.nl", groups=[group_n]).staff
    factories.staff(south, "anna@example.nl", groups=[group_s], las_key="anna-south")
    return {"north": north, "south": south, "pupil_n": pupil_n, "pupil_s": pupil_s, "teacher": teacher,
            "groups": (group_n, group_s)}  # fmt: skip


def test_merger_keeps_every_pseudonym_and_retires_the_old_references(
    operator: Account, two_schools: dict[str, Any], partner_apps: tuple[PartnerApp, PartnerApp]
) -> None:
    north, south = two_schools["north"], two_schools["south"]
    for school in (north, south):
        tick(school, partner_apps[0].partner, names=True)
    link = _link(north)
    before = {
        "pupil_n": pseudonyms(two_schools["pupil_n"], north, partner_apps),
        "pupil_s": pseudonyms(two_schools["pupil_s"], south, partner_apps),
        "teacher": pseudonyms(two_schools["teacher"], north, partner_apps),
    }
    done = actions.do_merge_schools(
        operator, [north, south], code="12AB02", name="Het Kompas", effective_on=today()
    )
    assert done.status == Reorganisation.Status.DONE
    merged = SchoolLocation.objects.get(brin="12AB", location_code="02")
    assert merged.instelling_ref not in (north.instelling_ref, south.instelling_ref)
    assert done.result["schools"] == [
        {"ref": str(merged.instelling_ref), "code": "12AB02", "name": "Het Kompas"}
    ]
    assert done.result["pupils"] == [2]
    assert done.result["staff"] == 1
    after = {
        "pupil_n": pseudonyms(two_schools["pupil_n"], merged, partner_apps),
        "pupil_s": pseudonyms(two_schools["pupil_s"], merged, partner_apps),
        "teacher": pseudonyms(two_schools["teacher"], merged, partner_apps),
    }
    assert after == before
    assert sorted(Pupil.objects.filter(school=merged).values_list("first_name", flat=True)) == ["Daan", "Zoë"]
    assert sorted(Group.objects.filter(school=merged).values_list("name", flat=True)) == [
        "Groep 5",
        "Groep 6",
    ]
    placement = StaffPlacement.objects.get(school=merged)
    assert sorted(placement.memberships.values_list("group__name", flat=True)) == ["Groep 5", "Groep 6"]
    assert StaffPlacement.objects.filter(staff=two_schools["teacher"], active=True).count() == 1
    consent = Consent.objects.get(school=merged)
    assert (consent.partner_id, consent.active, consent.names, consent.eck_id) == (
        partner_apps[0].partner_id,
        True,
        True,
        False,
    )
    for old in (north, south):
        old.refresh_from_db()
        assert (old.active, old.moved_to_id) == (False, merged.pk)
        assert RetiredInstellingRef.objects.filter(instelling_ref=old.instelling_ref).exists()
    assert list(SchoolSuccession.objects.filter(predecessor=north).values_list("successor", "kind")) == [
        (merged.pk, "merger")
    ]
    link.refresh_from_db()
    assert link.paused_at is not None
    assert not link.is_active
    assert queue_due_links() == []
    assert AuditEvent.objects.filter(action="school.merger", actor=actor(operator)).count() == 2
    assert AuditEvent.objects.filter(action="laslink.paused").count() == 1


def test_the_old_shortcut_shows_where_the_school_went(operator: Account, two_schools: dict[str, Any]) -> None:
    north, south = two_schools["north"], two_schools["south"]
    actions.do_merge_schools(operator, [north, south], code="12AB02", name="Het Kompas", effective_on=today())
    merged = SchoolLocation.objects.get(brin="12AB", location_code="02")
    response = Client().get(f"/s/{north.instelling_ref}/")
    page = response.content.decode()
    assert response.status_code == 410
    assert "Je school heeft een nieuwe link" in page
    assert f'href="/s/{merged.instelling_ref}/"' in page
    assert "Het Kompas" in page
    assert Client().get(f"/s/{merged.instelling_ref}/").status_code == 200


def test_an_import_into_a_merged_school_is_refused(operator: Account, two_schools: dict[str, Any]) -> None:
    north, south = two_schools["north"], two_schools["south"]
    actions.do_merge_schools(operator, [north, south], code="12AB02", name="Het Kompas", effective_on=today())
    north.refresh_from_db()
    outcome = do_import_edexml(north, write_edexml(generate_roster(north.code, 3)), source="cli")
    assert outcome.status == "rejected"
    assert "samengevoegd of gesplitst" in outcome.errors[0].message
    assert Pupil.objects.filter(school=north, active=True).count() == 0


def test_a_merger_whose_schools_share_pupil_keys_is_refused_and_changes_nothing(
    operator: Account, two_schools: dict[str, Any]
) -> None:
    north, south = two_schools["north"], two_schools["south"]
    Pupil.objects.filter(pk=two_schools["pupil_s"].pk).update(las_key=two_schools["pupil_n"].las_key)
    preview = preview_merger([north, south], code="12AB02", name="Het Kompas")
    assert len(preview.problems) == 1
    assert "een van die leerlingen zou zonder school komen te zitten" in preview.problems[0]
    before = _snapshot()
    with pytest.raises(ReorganisationRefused):
        actions.do_merge_schools(
            operator, [north, south], code="12AB02", name="Het Kompas", effective_on=today()
        )
    assert _snapshot() == before
    assert not AuditEvent.objects.filter(action__startswith="school.merger").exists()


def test_merger_refusals_in_the_preview(two_schools: dict[str, Any]) -> None:
    north, south = two_schools["north"], two_schools["south"]
    assert preview_merger([north], code="12AB02", name="X").problems == [
        "Kies minstens twee scholen om samen te voegen."
    ]
    assert preview_merger([north, south], code="12AB01", name="X").problems == [
        "De code 12AB01 is al in gebruik (De Zonnebloem); een nieuwe locatie krijgt een nieuwe code."
    ]


def test_nobody_but_an_operator_can_merge_or_split(
    db: None, fast_hasher: None, two_schools: dict[str, Any]
) -> None:
    before = _snapshot()
    north, south = two_schools["north"], two_schools["south"]
    coordinator = Account.objects.create_user("ict@example.nl", "wachtwoord-lang-genoeg")
    for who in (None, coordinator, Account.objects.create_superuser("nofactor@example.nl", "x" * 20)):
        with pytest.raises(PermissionDenied):
            actions.do_merge_schools(who, [north, south], code="12AB02", name="X", effective_on=today())  # type: ignore[arg-type]
        with pytest.raises(PermissionDenied):
            actions.do_split_school(
                who, north, [Part("12AB03", "A"), Part("12AB04", "B")], effective_on=today()
            )  # type: ignore[arg-type]
    assert _snapshot() == before


@pytest.fixture
def big_school(db: None) -> dict[str, Any]:
    school = factories.school("12AB00", "De Regenboog")
    g3 = factories.group(school, "Groep 3", year_group="3")
    g4 = factories.group(school, "Groep 4", year_group="4")
    g7 = factories.group(school, "Groep 7", year_group="7")
    plus = factories.group(school, "Plusklas", kind=Group.Kind.COMPOSITE)
    sem = factories.pupil(g3, "Sem", also_in=[plus])
    lot = factories.pupil(g4, "Lot", also_in=[plus])
    mo = factories.pupil(g7, "Mo")
    teacher = factories.staff(school, "juf@example.nl", groups=[g3, g7]).staff
    coordinator = factories.staff(school, "ict@example.nl", roles=["ict_coordinator"]).staff
    return {"school": school, "groups": {"g3": g3, "g4": g4, "g7": g7, "plus": plus},
            "pupils": {"sem": sem, "lot": lot, "mo": mo}, "teacher": teacher, "coordinator": coordinator}  # fmt: skip


def _parts(groups: dict[str, Group], first: list[str], second: list[str]) -> list[Part]:
    return [
        Part("12AB05", "Onderbouw", tuple(groups[name].uuid for name in first)),
        Part("12AB06", "Bovenbouw", tuple(groups[name].uuid for name in second)),
    ]


def test_split_keeps_every_pseudonym_and_places_staff_where_their_groups_go(
    operator: Account, big_school: dict[str, Any], partner_apps: tuple[PartnerApp, PartnerApp]
) -> None:
    school, groups, pupils = big_school["school"], big_school["groups"], big_school["pupils"]
    tick(school, partner_apps[0].partner)
    people = [pupils["sem"], pupils["lot"], pupils["mo"], big_school["teacher"]]
    before = [pseudonyms(person, school, partner_apps) for person in people]
    parts = _parts(groups, ["g3", "g4", "plus"], ["g7"])
    preview = preview_split(school, parts)
    assert preview.problems == []
    assert [(d.code, d.group_names, d.pupil_count, d.staff_names) for d in preview.destinations] == [
        ("12AB05", ["Groep 3", "Groep 4", "Plusklas"], 2, ["Anna de Vries", "Anna de Vries"]),
        ("12AB06", ["Groep 7"], 1, ["Anna de Vries", "Anna de Vries"]),
    ]
    done = actions.do_split_school(operator, school, parts, effective_on=today())
    low = SchoolLocation.objects.get(brin="12AB", location_code="05")
    high = SchoolLocation.objects.get(brin="12AB", location_code="06")
    where = {"sem": low, "lot": low, "mo": high}
    after = [pseudonyms(person, where[name], partner_apps) for name, person in pupils.items()]
    after.append(pseudonyms(big_school["teacher"], high, partner_apps))
    assert after == before
    assert done.result["pupils"] == [2, 1]
    teacher = StaffPlacement.objects.filter(staff=big_school["teacher"], active=True)
    assert sorted((p.school.code, sorted(p.memberships.values_list("group__name", flat=True))) for p in teacher) == [
        ("12AB05", ["Groep 3"]), ("12AB06", ["Groep 7"])
    ]  # fmt: skip
    coordinator = StaffPlacement.objects.filter(staff=big_school["coordinator"], active=True)
    assert sorted((p.school.code, p.roles) for p in coordinator) == [
        ("12AB05", ["ict_coordinator"]), ("12AB06", ["ict_coordinator"])
    ]  # fmt: skip
    assert sorted(Consent.objects.filter(active=True).values_list("school__location_code", flat=True)) == [
        "00",
        "05",
        "06",
    ]
    school.refresh_from_db()
    assert (school.active, school.moved_to) == (False, None)
    page = Client().get(f"/s/{school.instelling_ref}/").content.decode()
    assert "Onderbouw" in page
    assert "Bovenbouw" in page
    assert f'href="/s/{high.instelling_ref}/"' in page


def test_a_split_that_divides_a_group_or_leaves_one_behind_is_refused_and_changes_nothing(
    operator: Account, big_school: dict[str, Any]
) -> None:
    school, groups = big_school["school"], big_school["groups"]
    divided = _parts(groups, ["g3", "plus"], ["g4", "g7"])  # Lot of the Plusklas goes to the other location
    assert preview_split(school, divided).problems == [
        "Groep Plusklas wordt verdeeld: de leerlingen komen uit stamgroepen van andere locaties. Zet de "
        "groep bij de locatie van al haar leerlingen, of verdeel de stamgroepen anders."
    ]
    left = _parts(groups, ["g3", "g4", "plus"], [])
    assert preview_split(school, left).problems == [
        "Deze groepen gaan nergens heen: Groep 7. Kies voor elke groep een nieuwe locatie.",
        "1 leerling heeft geen stamgroep die naar een nieuwe locatie gaat en zou zonder school komen te zitten.",
    ]
    before = _snapshot()
    for parts in (divided, left):
        with pytest.raises(ReorganisationRefused):
            actions.do_split_school(operator, school, parts, effective_on=today())
    assert _snapshot() == before


def _network(school: SchoolLocation, *ranges: str, restrict: bool = False) -> None:
    for cidr in ranges:
        do_add_fixed_range(school, cidr, label=f"gebouw {school.code}", actor=SystemActor("test"))
    if restrict:
        do_set_shortcut_restriction(school, True, actor=SystemActor("test"))


def _network_of(code: str) -> tuple[list[tuple[str, str]], bool, list[str]]:
    school = SchoolLocation.objects.get(location_code=code[-2:], brin=code[:4])
    network = SchoolNetwork.objects.get(school=school)
    ranges = list(FixedRange.objects.filter(school=school).order_by("cidr").values_list("cidr", "label"))
    return ranges, network.restrict_pupil_shortcut, network.effective_networks


def test_a_merger_carries_the_network_over_when_every_school_restricted_the_shortcut(
    operator: Account, two_schools: dict[str, Any]
) -> None:
    north, south = two_schools["north"], two_schools["south"]
    _network(north, "192.0.2.0/28", restrict=True)
    _network(south, "198.51.100.7", "192.0.2.0/28", restrict=True)
    preview = preview_merger([north, south], code="12AB02", name="Het Kompas")
    assert preview.network.notes == [
        "Vaste adressen van het schoolnetwerk die meegaan: 192.0.2.0/28, 198.51.100.7/32.",
        "De leerlingenlink werkt ook op de nieuwe locatie alleen op het schoolnetwerk.",
    ]
    actions.do_merge_schools(operator, [north, south], code="12AB02", name="Het Kompas", effective_on=today())
    assert _network_of("12AB02") == (
        [("192.0.2.0/28", "gebouw 12AB00"), ("198.51.100.7/32", "gebouw 12AB01")],
        True,
        ["192.0.2.0/28", "198.51.100.7/32"],
    )


def test_a_merger_of_schools_that_disagree_keeps_the_addresses_but_not_the_restriction(
    console: Client, operator: Account, two_schools: dict[str, Any]
) -> None:
    north, south = two_schools["north"], two_schools["south"]
    _network(north, "192.0.2.0/28", restrict=True)
    do_issue_agent_token(south, label="pc", actor=SystemActor("test"))
    data = {"sources": "12AB00, 12AB01", "code": "12AB02", "name": "Het Kompas",
            "effective_on": today().isoformat()}  # fmt: skip
    page = console.post("/beheer/herindeling/samenvoegen/", {**data, "preview": ""}).content.decode()
    assert (
        '<ul class="network"><li>Vaste adressen van het schoolnetwerk die meegaan: 192.0.2.0/28.</li>'
        "<li>Niet elke school had de leerlingenlink beperkt tot vaste adressen van het schoolnetwerk: op "
        "de nieuwe locatie staat die beperking uit. De coördinator zet haar zo nodig weer aan.</li>"
        "<li>De IP-agent van 12AB01 gaat niet mee: de coördinator maakt op de nieuwe locatie een nieuwe "
        "sleutel en zet die in de agent op de school-pc.</li></ul>"
    ) in page
    console.post("/beheer/herindeling/samenvoegen/", {**data, "confirm": ""})
    assert _network_of("12AB02") == ([("192.0.2.0/28", "gebouw 12AB00")], False, ["192.0.2.0/28"])


def test_a_split_gives_every_part_the_network_of_the_school(
    operator: Account, big_school: dict[str, Any]
) -> None:
    school, groups = big_school["school"], big_school["groups"]
    _network(school, "192.0.2.0/28", restrict=True)
    parts = _parts(groups, ["g3", "g4", "plus"], ["g7"])
    assert preview_split(school, parts).network.notes == [
        "Vaste adressen van het schoolnetwerk die meegaan: 192.0.2.0/28.",
        "De leerlingenlink werkt ook op de nieuwe locatie alleen op het schoolnetwerk.",
    ]
    actions.do_split_school(operator, school, parts, effective_on=today())
    for part in parts:
        assert _network_of(part.code) == ([("192.0.2.0/28", "gebouw 12AB00")], True, ["192.0.2.0/28"])


def test_a_planned_merger_runs_on_its_day(operator: Account, two_schools: dict[str, Any]) -> None:
    north, south = two_schools["north"], two_schools["south"]
    later = today() + dt.timedelta(days=3)
    planned = actions.do_merge_schools(
        operator, [north, south], code="12AB02", name="Het Kompas", effective_on=later
    )
    assert planned.status == Reorganisation.Status.PLANNED
    assert actions.run_due_reorganisations(today()) == {"done": 0, "refused": 0}
    assert not SchoolLocation.objects.filter(location_code="02").exists()
    with pytest.raises(ReorganisationRefused, match="al een herindeling gepland"):
        actions.do_merge_schools(operator, [north, south], code="12AB03", name="X", effective_on=later)
    assert actions.run_due_reorganisations(later) == {"done": 1, "refused": 0}
    planned.refresh_from_db()
    assert planned.status == Reorganisation.Status.DONE
    assert Pupil.objects.filter(school__location_code="02").count() == 2
    assert PupilMembership.objects.filter(group__school__location_code="02").count() == 2


def test_a_planned_merger_can_be_cancelled_until_it_is_carried_out(
    operator: Account, two_schools: dict[str, Any]
) -> None:
    north, south = two_schools["north"], two_schools["south"]
    later = today() + dt.timedelta(days=3)
    planned = actions.do_merge_schools(
        operator, [north, south], code="12AB02", name="Het Kompas", effective_on=later
    )
    before = _snapshot()
    cancelled = actions.do_cancel_reorganisation(operator, planned)
    assert cancelled.status == Reorganisation.Status.CANCELLED
    assert cancelled.done_at is not None
    assert _snapshot() == before  # nothing else changed
    assert list(
        AuditEvent.objects.filter(action="school.merger_cancelled")
        .order_by("id")
        .values_list("actor", "subject", "school_ref")
    ) == [
        (actor(operator), f"reorganisation:{planned.pk}", north.instelling_ref),
        (actor(operator), f"reorganisation:{planned.pk}", south.instelling_ref),
    ]
    assert actions.run_due_reorganisations(later) == {"done": 0, "refused": 0}
    assert not SchoolLocation.objects.filter(location_code="02").exists()
    assert SchoolLocation.objects.filter(pk__in=[north.pk, south.pk], active=True).count() == 2
    with pytest.raises(actions.CancelRefused, match="is geannuleerd en kan niet meer"):
        actions.do_cancel_reorganisation(operator, planned)
    # the schools are free again: the merger can be planned anew, and once carried out it stays
    again = actions.do_merge_schools(
        operator, [north, south], code="12AB02", name="Het Kompas", effective_on=today()
    )
    assert again.status == Reorganisation.Status.DONE
    events = AuditEvent.objects.count()
    with pytest.raises(actions.CancelRefused, match="is uitgevoerd en kan niet meer"):
        actions.do_cancel_reorganisation(operator, again)
    again.refresh_from_db()
    assert again.status == Reorganisation.Status.DONE
    assert AuditEvent.objects.count() == events


def _plan_merger(operator: Account, two_schools: dict[str, Any]) -> Reorganisation:
    return actions.do_merge_schools(
        operator,
        [two_schools["north"], two_schools["south"]],
        code="12AB02",
        name="Het Kompas",
        effective_on=today() + dt.timedelta(days=3),
    )


def test_nobody_but_an_operator_cancels_a_reorganisation(
    operator: Account, two_schools: dict[str, Any]
) -> None:
    planned = _plan_merger(operator, two_schools)
    before, events = _snapshot(), AuditEvent.objects.count()
    coordinator = Account.objects.create_user("ict@example.nl", "wachtwoord-lang-genoeg")
    for who in (None, coordinator, Account.objects.create_superuser("nofactor@example.nl", "x" * 20)):
        with pytest.raises(PermissionDenied):
            actions.do_cancel_reorganisation(who, planned)  # type: ignore[arg-type]
    planned.refresh_from_db()
    assert planned.status == Reorganisation.Status.PLANNED
    assert planned.done_at is None
    assert (_snapshot(), AuditEvent.objects.count()) == (before, events)


def test_console_cancels_a_planned_merger_after_a_confirmation(
    console: Client, operator: Account, two_schools: dict[str, Any]
) -> None:
    planned = _plan_merger(operator, two_schools)
    url = f"/beheer/herindeling/{planned.pk}/annuleren/"
    listing = console.get("/beheer/herindeling/").content.decode()
    assert f'<a class="button secondary" href="{url}">Annuleren</a>' in listing
    confirmation = console.get(url).content.decode()  # asking changes nothing
    assert "Ja, annuleer de herindeling" in confirmation
    assert "12AB02 Het Kompas" in confirmation
    planned.refresh_from_db()
    assert planned.status == Reorganisation.Status.PLANNED
    response = console.post(url)
    assert (response.status_code, response["Location"]) == (302, "/beheer/herindeling/")
    planned.refresh_from_db()
    assert planned.status == Reorganisation.Status.CANCELLED
    listing = console.get("/beheer/herindeling/").content.decode()
    assert "geannuleerd" in listing
    assert url not in listing
    again = console.post(url)
    assert again.status_code == 400
    assert "Deze herindeling is geannuleerd en kan niet meer worden geannuleerd." in again.content.decode()


def test_console_merger_previews_who_goes_where_then_carries_it_out(
    console: Client, operator: Account, two_schools: dict[str, Any]
) -> None:
    data = {
        "sources": "12AB00, 12AB01",
        "code": "12AB02",
        "name": "Het Kompas",
        "effective_on": today().isoformat(),
    }
    response = console.post("/beheer/herindeling/samenvoegen/", {**data, "preview": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>12AB02 Het Kompas</td><td>Groep 5, Groep 6</td><td>2</td><td>Anna de Vries</td>" in page
    assert not SchoolLocation.objects.filter(location_code="02").exists()
    response = console.post("/beheer/herindeling/samenvoegen/", {**data, "confirm": ""})
    assert (response.status_code, response["Location"]) == (302, "/beheer/herindeling/")
    assert Pupil.objects.filter(school__location_code="02").count() == 2
    assert "Het Kompas" in console.get("/beheer/herindeling/").content.decode()


def test_console_split_asks_for_every_group_then_carries_it_out(
    console: Client, big_school: dict[str, Any]
) -> None:
    data = {"school": "12AB00", "code_1": "12AB05", "name_1": "Onderbouw", "code_2": "12AB06",
            "name_2": "Bovenbouw", "effective_on": today().isoformat()}  # fmt: skip
    first = console.post("/beheer/herindeling/splitsen/", {**data, "preview": ""})
    assert first.status_code == 400
    assert "Deze groepen gaan nergens heen: Groep 3, Groep 4, Groep 7, Plusklas." in first.content.decode()
    groups = big_school["groups"]
    choice = {f"group-{groups[n].uuid}": p for n, p in (("g3", "1"), ("g4", "1"), ("plus", "1"), ("g7", "2"))}
    response = console.post("/beheer/herindeling/splitsen/", {**data, **choice, "confirm": ""})
    assert response.status_code == 302
    assert sorted(Pupil.objects.filter(active=True).values_list("school__location_code", "first_name")) == [
        ("05", "Lot"), ("05", "Sem"), ("06", "Mo")
    ]  # fmt: skip
