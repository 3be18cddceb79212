"""The SAML IdP's view of the federation core: registered SPs and the disclosure path.

The only module of `saml/` that touches federation models. Apps are `PartnerApp` rows with a
`saml_entity_id`; attribute values come only from `klaspoort.federation.disclosure.disclose`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from klaspoort.accounts.principal import Principal
from klaspoort.federation.app_cache import AppCache
from klaspoort.federation.disclosure import ConsentMissing, DisclosureRefused, Released, disclose
from klaspoort.federation.models import Disclosure, PartnerApp
from klaspoort.federation.saml.service_provider import ServiceProvider

Refused = DisclosureRefused


@dataclass(frozen=True)
class SamlApp:
    """A partner app that is a SAML service provider."""

    model: PartnerApp
    service_provider: ServiceProvider

    @property
    def partner_name(self) -> str:
        return self.model.partner.name

    @property
    def public_id(self) -> str:
        return self.model.slug


def _saml_app(app: PartnerApp | None) -> SamlApp | None:
    if app is None or not app.saml_entity_id or not app.saml_acs_urls:
        return None
    return SamlApp(
        model=app,
        service_provider=ServiceProvider(
            entity_id=app.saml_entity_id,
            acs_urls=tuple(str(url) for url in app.saml_acs_urls),
            certificate_pem=app.saml_certificate or "",
        ),
    )


def _one(apps: QuerySet[PartnerApp]) -> PartnerApp | None:
    """The single match of a lookup on a unique column (no ORDER BY needed)."""
    return next(iter(apps.select_related("partner")[:1]), None)


# Looked up on every AuthnRequest and every portal launch: kept a few seconds per worker (see
# app_cache; a saved Partner or PartnerApp empties both at once in this worker).
_by_entity_id: AppCache[SamlApp] = AppCache()
_by_public_id: AppCache[SamlApp] = AppCache()


def app_by_entity_id(entity_id: str) -> SamlApp | None:
    if not entity_id:
        return None
    return _by_entity_id.get(
        entity_id, lambda: _saml_app(_one(PartnerApp.objects.filter(saml_entity_id=entity_id)))
    )


def app_by_public_id(app_id: str) -> SamlApp | None:
    """By slug (e.g. "rekenwijs") or by uuid."""
    return _by_public_id.get(app_id, lambda: _saml_app(_one(_by_public_id_query(app_id))))


def _by_public_id_query(app_id: str) -> QuerySet[PartnerApp]:
    apps = PartnerApp.objects.exclude(saml_entity_id=None)
    try:
        return apps.filter(uuid=uuid.UUID(app_id))
    except ValueError:
        return apps.filter(slug=app_id)


def disclose_for_saml(principal: Principal, app: SamlApp) -> Released:
    """Everything this SP may receive about the principal, recorded; raises DisclosureRefused."""
    return disclose(principal, app.model, purpose=Disclosure.Purpose.SAML)


def refusal_page(request: HttpRequest, app: SamlApp, refusal: DisclosureRefused) -> HttpResponse:
    """Nothing is issued; the same pages as the OpenID Connect provider shows.

    Consent missing: "your school has not switched this software on; ask your ICT coordinator".
    """
    template = "not_enabled" if isinstance(refusal, ConsentMissing) else "refused"
    response = render(
        request,
        f"federation/oidc/{template}.html",
        {"app": app.model, "partner": app.model.partner, "message": str(refusal)},
        status=403,
    )
    response["Cache-Control"] = "no-store"
    return response
