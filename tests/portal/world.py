"""A school with groups, a pupil and a teacher, and publisher apps whose licence endpoints are
stub publishers on loopback ports (tests and benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent, do_register_partner
from klaspoort.federation.models import PartnerApp
from klaspoort.federation.partner_spec import parse_partner_spec
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, Pupil, StaffMember
from tests.portal.stub_publisher import Behaviour, StubPublisher, product
from tests.roster import factories


def register_app(
    slug: str,
    licence_url: str,
    *,
    name: str = "",
    oidc: bool = True,
    saml_acs: tuple[str, ...] = (),
) -> PartnerApp:
    base = licence_url.rsplit("/", 1)[0]
    app: dict[str, Any] = {
        "slug": slug,
        "name": name or slug.title(),
        "launch_url": f"{base}/",
        "licence_endpoint_url": licence_url,
    }
    if oidc:
        app["oidc"] = {
            "client_id": slug,
            "client_type": "public",
            "token_endpoint_auth_method": "none",
            "redirect_uris": [f"{base}/callback"],
            "initiate_login_uri": f"{base}/login",
        }
    if saml_acs:
        app["saml"] = {"entity_id": f"{base}/metadata", "acs_urls": list(saml_acs)}
    spec = {
        "slug": f"uitgeverij-{slug}",
        "name": f"Uitgeverij {name or slug.title()}",
        "kind": "publisher",
        "sector_id": f"{slug}.example",
        "apps": [app],
    }
    do_register_partner(parse_partner_spec(spec))
    return PartnerApp.objects.select_related("partner").get(slug=slug)


def catalogue(base: str, prefix: str) -> list[dict[str, Any]]:
    """Four products: pupil at home, pupil school-only (a test), teacher with admin URL, shared link."""
    return [
        product(f"{prefix}-oefenen", name=f"{prefix.title()} oefenen", launch_method="oidc",
                launch_url=f"{base}/app/oefenen", icon_url=f"{base}/icon.png"),
        product(f"{prefix}-toets", name=f"{prefix.title()} toets", allowed_at_home=False,
                launch_method="oidc", launch_url=f"{base}/app/toets"),
        product(f"{prefix}-leerkracht", name=f"{prefix.title()} leerkracht", audience="teacher",
                launch_method="oidc", launch_url=f"{base}/app/leerkracht", admin_url=f"{base}/beheer"),
        product(f"{prefix}-woorden", name=f"{prefix.title()} woorden", audience="both",
                launch_method="link", launch_url=f"{base}/woorden"),
    ]  # fmt: skip


@dataclass
class World:
    school: SchoolLocation
    group: Group
    pupil: Pupil
    teacher: StaffMember
    stubs: dict[str, StubPublisher] = field(default_factory=dict)
    apps: dict[str, PartnerApp] = field(default_factory=dict)

    def principal(self, who: str = "pupil", context: str = "school") -> Principal:
        person = self.pupil if who == "pupil" else self.teacher
        return Principal(
            kind="pupil" if who == "pupil" else "staff",
            person=person.uuid,
            school=self.school.instelling_ref,
            context=context,  # type: ignore[arg-type]
        )

    def add_publisher(
        self, slug: str, behaviour: Behaviour | None = None, *, tick: bool = True
    ) -> StubPublisher:
        stub = StubPublisher(behaviour).start()
        if behaviour is None:
            stub.behaviour.products = catalogue(stub.base, slug)
        self.stubs[slug] = stub
        app = register_app(slug, stub.url)
        self.apps[slug] = app
        if tick:
            do_grant_consent(self.school, app.partner, actor=SystemActor("test"))
        return stub

    def stop(self) -> None:
        for stub in self.stubs.values():
            stub.stop()


def make_world() -> World:
    school = factories.school()
    group = factories.group(school, "Groep 5a")
    pupil = factories.pupil(group, "Sanne", "Vries", infix="de")
    teacher = factories.staff(
        school, "jan@regenboog.example", groups=(group,), first_name="Jan", surname="Jansen"
    ).staff
    return World(school=school, group=group, pupil=pupil, teacher=teacher)


def sign_in(client: Client, principal: Principal) -> None:
    session = client.session
    session[SESSION_KEY] = principal.to_session()
    session.save()
