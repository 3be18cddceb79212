"""Small builders for federation tests: a partner app, a school's tick, a principal (rosters come
from `tests.roster.factories`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from klaspoort.accounts.principal import Principal
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_register_partner
from klaspoort.federation.models import Partner, PartnerApp
from klaspoort.federation.oidc.models import OidcGrant
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
    do_grant_consent(school, partner, names=names, eck_id=eck_id, actor=SystemActor("test"))


def principal_for(person: Pupil | StaffMember, school: SchoolLocation) -> Principal:
    kind = "pupil" if isinstance(person, Pupil) else "staff"
    return Principal(kind=kind, person=person.uuid, school=school.instelling_ref)


GRANT_MOMENT = dt.datetime(2026, 11, 29, 8, 30, tzinfo=dt.UTC)


def unsaved_grant(app_id: int, handle: str = "h" * 16, **values: Any) -> OidcGrant:
    """An OIDC grant made at GRANT_MOMENT whose code expires a minute later (not saved)."""
    return OidcGrant(
        handle=handle,
        app_id=app_id,
        person=uuid.UUID("11111111-2222-3333-4444-555555555555"),
        school_ref=uuid.UUID("66666666-7777-8888-9999-000000000000"),
        principal={"kind": "pupil", "auth_time": 1},
        op_session="op",
        sid="sid",
        released={"sub": "abc", "groups": []},
        scope="openid",
        redirect_uri="https://rp.example/cb",
        created_at=GRANT_MOMENT,
        code_hash="c" * 64,
        code_expires_at=GRANT_MOMENT + dt.timedelta(minutes=1),
        **values,
    )
