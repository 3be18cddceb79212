"""Small builders for federation tests: a school with groups, a pupil, a teacher, a partner app."""

from __future__ import annotations

from typing import Any

from klaspoort.accounts.principal import Principal
from klaspoort.federation.actions import do_grant_consent, do_register_partner
from klaspoort.federation.models import Partner, PartnerApp
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    SchoolYear,
    StaffMember,
    StaffMembership,
    StaffPlacement,
    StaffRole,
)

REDIRECT_URI = "https://rekenwijs.example/oidc/callback"


def make_school(code: str = "12AB00", name: str = "De Regenboog") -> SchoolLocation:
    return do_register_school(code, name=name)


def make_group(school: SchoolLocation, name: str = "Groep 5a", year_group: str = "5", **kw: Any) -> Group:
    year, _ = SchoolYear.objects.get_or_create(start_year=2026)
    kind = kw.pop("kind", Group.Kind.HOME)
    return Group.objects.create(
        school=school,
        school_year=year,
        kind=kind,
        las_key=f"g-{name}",
        name=name,
        year_group=year_group,
        **kw,
    )


def make_pupil(school: SchoolLocation, *groups: Group, **kw: Any) -> Pupil:
    values = {"first_name": "Sanne", "infix": "de", "surname": "Vries", "las_key": "p1", "year_group": "5"}
    values.update(kw)
    pupil = Pupil.objects.create(school=school, **values)
    for group in groups:
        PupilMembership.objects.create(pupil=pupil, group=group)
    return pupil


def make_teacher(school: SchoolLocation, *groups: Group, **kw: Any) -> StaffMember:
    values = {"first_name": "Jan", "infix": "", "surname": "Jansen", "email": "jan@regenboog.example"}
    values.update(kw)
    staff = StaffMember.objects.create(**values)
    placement = StaffPlacement.objects.create(
        staff=staff, school=school, las_key=f"s-{staff.email}", roles=[StaffRole.TEACHER]
    )
    for group in groups:
        StaffMembership.objects.create(placement=placement, group=group)
    return staff


def partner_spec_data(slug: str = "uitgeverij-noord", **oidc: Any) -> dict[str, Any]:
    oidc_part: dict[str, Any] = {
        "client_id": "rekenwijs",
        "redirect_uris": [REDIRECT_URI],
        "scopes": ["openid", "profile", "eck_id"],
    }
    oidc_part.update(oidc)
    return {
        "slug": slug,
        "name": "Uitgeverij Noord",
        "kind": "publisher",
        "sector_id": "noord.example",
        "contact": {"name": "Piet Support", "email": "support@noord.example"},
        "apps": [
            {
                "slug": "rekenwijs",
                "name": "Rekenwijs",
                "launch_url": "https://rekenwijs.example/start",
                "licence_endpoint_url": "https://rekenwijs.example/api/licences",
                "oidc": oidc_part,
            }
        ],
    }


def make_app(**oidc: Any) -> tuple[PartnerApp, str]:
    """A registered app with its client secret (empty for a public client)."""
    result = do_register_partner(parse_partner_spec(partner_spec_data(**oidc)))
    app = PartnerApp.objects.select_related("partner").get(slug="rekenwijs")
    return app, result.new_secrets.get("rekenwijs", "")


def tick(school: SchoolLocation, partner: Partner, *, names: bool = False, eck_id: bool = False) -> None:
    do_grant_consent(school, partner, names=names, eck_id=eck_id, actor="test")


def principal_for(person: Pupil | StaffMember, school: SchoolLocation) -> Principal:
    kind = "pupil" if isinstance(person, Pupil) else "staff"
    return Principal(kind=kind, person=person.uuid, school=school.instelling_ref)
