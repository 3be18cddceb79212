"""Small builders for federation tests: a partner app, a school's tick, a principal (rosters come
from `tests.roster.factories`)."""

from __future__ import annotations

from typing import Any

from klaspoort.accounts.principal import Principal
from klaspoort.federation.actions import do_grant_consent, do_register_partner
from klaspoort.federation.models import Partner, PartnerApp
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Pupil, StaffMember

REDIRECT_URI = "https://rekenwijs.example/oidc/callback"


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
