"""State changes of partners, their apps and school consent (do_* actions)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from klaspoort.accounts.permissions import Actor, require_coordinator_of
from klaspoort.audit.events import record_event
from klaspoort.core.clock import now
from klaspoort.federation.keyed_hash import keyed_digest, new_secret
from klaspoort.federation.models import Consent, ConsentChange, OidcGrant, Partner, PartnerApp
from klaspoort.federation.partner_spec import AppSpec, PartnerSpec, PartnerSpecError
from klaspoort.registry.models import SchoolLocation

CLIENT_SECRET_PURPOSE = "oidc-client-secret"  # noqa: S105 (a hash label, not a secret)


@dataclass
class PartnerRegistration:
    partner: Partner
    created: bool
    apps_created: list[str] = field(default_factory=list)
    apps_updated: list[str] = field(default_factory=list)
    new_secrets: dict[str, str] = field(default_factory=dict)  # app slug -> secret, shown once


def needs_client_secret(app: PartnerApp) -> bool:
    return app.speaks_oidc and app.token_endpoint_auth_method in (
        PartnerApp.AuthMethod.CLIENT_SECRET_BASIC,
        PartnerApp.AuthMethod.CLIENT_SECRET_POST,
    )


def _check_conflicts(spec: PartnerSpec, partner: Partner | None) -> None:
    problems: list[str] = []
    if partner is not None and partner.sector_id != spec.sector_id:
        problems.append(
            "partner.sector_id: "
            + _(
                "blijft '%(sector)s'; een andere sector geeft iedere gebruiker een nieuw pseudoniem bij deze "
                "partner"
            )
            % {"sector": partner.sector_id}
        )
    for index, app in enumerate(spec.apps):
        others = PartnerApp.objects.exclude(partner=partner) if partner else PartnerApp.objects.all()
        clash = Q(slug=app.slug)
        if app.oidc:
            clash |= Q(client_id=app.oidc.client_id)
        if app.saml:
            clash |= Q(saml_entity_id=app.saml.entity_id)
        taken = others.filter(clash).select_related("partner").first()
        if taken is not None:
            problems.append(
                f"partner.apps[{index}]: "
                + _("slug, client_id of entity_id is al in gebruik bij '%(app)s'")
                % {"app": f"{taken.partner.slug}/{taken.slug}"}
            )
        if partner is not None:
            same_partner = PartnerApp.objects.filter(partner=partner).exclude(slug=app.slug)
            ids = Q(pk__in=[])
            if app.oidc:
                ids |= Q(client_id=app.oidc.client_id)
            if app.saml:
                ids |= Q(saml_entity_id=app.saml.entity_id)
            if same_partner.filter(ids).exists():
                problems.append(
                    f"partner.apps[{index}]: " + _("client_id of entity_id is al van een andere app")
                )
    if problems:
        raise PartnerSpecError(problems)


def _apply_app_spec(app: PartnerApp, spec: AppSpec) -> None:
    app.name = spec.name
    app.active = spec.active
    app.launch_url = spec.launch_url
    app.licence_endpoint_url = spec.licence_endpoint_url
    oidc = spec.oidc
    app.client_id = oidc.client_id if oidc else None
    app.client_type = oidc.client_type if oidc else PartnerApp.ClientType.CONFIDENTIAL
    app.token_endpoint_auth_method = (
        oidc.token_endpoint_auth_method if oidc else PartnerApp.AuthMethod.CLIENT_SECRET_BASIC
    )
    app.redirect_uris = list(oidc.redirect_uris) if oidc else []
    app.post_logout_redirect_uris = list(oidc.post_logout_redirect_uris) if oidc else []
    app.allowed_scopes = list(oidc.scopes) if oidc else []
    app.initiate_login_uri = oidc.initiate_login_uri if oidc else ""
    app.backchannel_logout_uri = oidc.backchannel_logout_uri if oidc else ""
    app.jwks = oidc.jwks if oidc else None
    app.jwks_uri = oidc.jwks_uri if oidc else ""
    app.id_token_signed_response_alg = oidc.id_token_signed_response_alg if oidc else "ES256"
    saml = spec.saml
    app.saml_entity_id = saml.entity_id if saml else None
    app.saml_acs_urls = list(saml.acs_urls) if saml else []
    app.saml_certificate = saml.certificate if saml else ""
    if not needs_client_secret(app):
        app.client_secret_hash = ""
        app.client_secret_set_at = None


def _set_secret(app: PartnerApp) -> str:
    secret = new_secret()
    app.client_secret_hash = keyed_digest(secret, CLIENT_SECRET_PURPOSE)
    app.client_secret_set_at = now()
    return secret


@transaction.atomic
def do_register_partner(spec: PartnerSpec, *, actor: str = "") -> PartnerRegistration:
    """Create or update a partner and its apps from a parsed registration.

    Apps are matched on their slug; apps missing from the spec are left alone. A confidential
    client that has no secret yet gets one (returned once in `new_secrets`, stored only hashed).
    """
    partner = Partner.objects.select_for_update().filter(slug=spec.slug).first()
    _check_conflicts(spec, partner)
    created = partner is None
    if partner is None:
        partner = Partner(slug=spec.slug, sector_id=spec.sector_id)
    partner.name = spec.name
    partner.kind = spec.kind
    partner.contact_name = spec.contact_name
    partner.contact_email = spec.contact_email
    partner.purpose = spec.purpose
    partner.names_reason = spec.names_reason
    partner.eck_id_reason = spec.eck_id_reason
    partner.active = spec.active
    partner.save()
    result = PartnerRegistration(partner=partner, created=created)
    existing = {app.slug: app for app in partner.apps.all()}
    for app_spec in spec.apps:
        app = existing.get(app_spec.slug) or PartnerApp(partner=partner, slug=app_spec.slug)
        (result.apps_updated if app.pk else result.apps_created).append(app.slug)
        _apply_app_spec(app, app_spec)
        if needs_client_secret(app) and not app.client_secret_hash:
            result.new_secrets[app.slug] = _set_secret(app)
        app.save()
    record_event(
        "partner.registered" if created else "partner.updated",
        actor=actor,
        subject=f"partner:{partner.slug}",
        apps_created=result.apps_created,
        apps_updated=result.apps_updated,
    )
    return result


class AppNotFound(LookupError):
    pass


def find_app(reference: str) -> PartnerApp:
    """An app by its slug or its OIDC client_id."""
    matches = PartnerApp.objects.filter(Q(slug=reference) | Q(client_id=reference))
    app = matches.select_related("partner").first()
    if app is None:
        raise AppNotFound(
            _("Geen app gevonden met slug of client_id '%(reference)s'.") % {"reference": reference}
        )
    return app


@transaction.atomic
def do_new_client_secret(app: PartnerApp, *, actor: str = "") -> str:
    """Replace the app's client secret; the old one stops working at once. Returned once."""
    if not needs_client_secret(app):
        raise ValueError(
            _("App '%(app)s' gebruikt geen clientgeheim (methode: %(method)s).")
            % {"app": app.slug, "method": app.token_endpoint_auth_method}
        )
    secret = _set_secret(app)
    app.save(update_fields=["client_secret_hash", "client_secret_set_at", "updated_at"])
    record_event("partner.client_secret_replaced", actor=actor, subject=f"app:{app.slug}")
    return secret


def _record_change(consent: Consent, action: str, actor: str, signed_by: str) -> ConsentChange:
    change = ConsentChange.objects.create(
        school_id=consent.school_id,
        partner_id=consent.partner_id,
        action=action,
        categories=sorted(consent.categories),
        actor=actor[:128],
        signed_by=signed_by[:300],
        created_at=consent.changed_at,
    )
    record_event(
        f"consent.{action}",
        actor=actor,
        subject=f"partner:{consent.partner.slug}",
        school_ref=consent.school.instelling_ref,
        categories=change.categories,
        receipt=str(change.receipt),
    )
    return change


@transaction.atomic
def do_grant_consent(
    school: SchoolLocation,
    partner: Partner,
    *,
    names: bool = False,
    eck_id: bool = False,
    actor: Actor,
    signed_by: str = "",
) -> ConsentChange | None:
    """Tick a partner for a school (identity always; names and ECK iD as given).

    Returns the history row, or None when nothing changed. `actor` must be an ICT coordinator of
    `school` (the school console: `schooladmin.consent`) or a system actor (`klaspoort
    school-consent`, an operator's reorganisation after its operator check, the demo);
    PermissionDenied for anyone else, before anything changes.
    """
    by = require_coordinator_of(actor, school)
    consent = Consent.objects.select_for_update().filter(school=school, partner=partner).first()
    if consent is not None and consent.active and (consent.names, consent.eck_id) == (names, eck_id):
        return None
    was_active = consent is not None and consent.active
    action = ConsentChange.Action.CHANGE if was_active else ConsentChange.Action.GRANT
    if consent is None:
        consent = Consent(school=school, partner=partner)
    consent.active, consent.names, consent.eck_id, consent.changed_at = True, names, eck_id, now()
    consent.save()
    return _record_change(consent, action, by, signed_by)


@transaction.atomic
def do_withdraw_consent(
    school: SchoolLocation, partner: Partner, *, actor: str = "", signed_by: str = ""
) -> ConsentChange | None:
    """Untick a partner: nothing more is released, its grants for the school end now and its apps
    get a back-channel logout for every login that used them (after the commit)."""
    consent = Consent.objects.select_for_update().filter(school=school, partner=partner).first()
    if consent is None or not consent.active:
        return None
    consent.active, consent.names, consent.eck_id, consent.changed_at = False, False, False, now()
    consent.save()
    change = _record_change(consent, ConsentChange.Action.WITHDRAW, actor, signed_by)
    live = OidcGrant.objects.unrevoked().filter(app__partner=partner, school_ref=school.instelling_ref)
    ended = list(live.filter(code_used_at__isnull=False).select_related("app"))
    live.update(revoked_at=consent.changed_at, revoke_reason="consent_withdrawn")
    if ended:
        from klaspoort.federation.oidc.logout import send_logout_tokens

        transaction.on_commit(lambda: send_logout_tokens(ended))
    return change
