"""Reading a partner registration (the JSON of `klaspoort add-partner`) into plain dataclasses.

Pure: no database. Every problem is collected with its place in the document, in Dutch, so an
operator can fix the file in one go. The format is documented in docs/partners/registration.md.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from django.utils.translation import gettext as _
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

PARTNER_KINDS = ("publisher", "network_provider")
CLIENT_TYPES = ("confidential", "public")
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")
KNOWN_SCOPES = ("openid", "profile", "eck_id", "offline_access")
SIGNING_ALGS = ("ES256", "RS256")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9._~-]{1,128}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PartnerSpecError(ValueError):
    """The registration file has problems; `problems` lists each with its place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class OidcSpec:
    client_id: str
    client_type: str
    token_endpoint_auth_method: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ("openid",)
    initiate_login_uri: str = ""
    backchannel_logout_uri: str = ""
    jwks: dict[str, Any] | None = None
    jwks_uri: str = ""
    id_token_signed_response_alg: str = "ES256"  # noqa: S105 (an algorithm name)


@dataclass(frozen=True)
class SamlSpec:
    entity_id: str
    acs_urls: tuple[str, ...]
    certificate: str = ""


@dataclass(frozen=True)
class AppSpec:
    slug: str
    name: str
    active: bool = True
    launch_url: str = ""
    licence_endpoint_url: str = ""
    oidc: OidcSpec | None = None
    saml: SamlSpec | None = None


@dataclass(frozen=True)
class PartnerSpec:
    slug: str
    name: str
    kind: str
    sector_id: str
    contact_name: str = ""
    contact_email: str = ""
    active: bool = True
    apps: tuple[AppSpec, ...] = field(default=())
    purpose: str = ""
    names_reason: str = ""
    eck_id_reason: str = ""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(value: object, *, redirect: bool = False) -> str | None:
    """None when `value` is an acceptable absolute URL: https, or http on a loopback host."""
    if not isinstance(value, str) or not value:
        return _("moet een URL zijn")
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("'%(value)s' is geen volledige http(s)-URL") % {"value": value}
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        return _("'%(value)s' moet https gebruiken (http mag alleen op localhost)") % {"value": value}
    if parts.username or parts.password:
        return _("'%(value)s' mag geen gebruikersnaam of wachtwoord bevatten") % {"value": value}
    if redirect and parts.fragment:
        return _("'%(value)s' mag geen fragment (#…) bevatten") % {"value": value}
    return None


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(self, data: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = data.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(f"{where}.{key}", _("moet tekst zijn"))
            return ""
        value = value.strip()
        if required and not value:
            self.problem(f"{where}.{key}", _("is verplicht"))
        return value

    def flag(self, data: dict[str, Any], key: str, where: str) -> bool:
        value = data.get(key, True)
        if not isinstance(value, bool):
            self.problem(f"{where}.{key}", _("moet true of false zijn"))
            return True
        return value

    def url(self, data: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = self.text(data, key, where, required=required)
        if value:
            message = url_problem(value)
            if message:
                self.problem(f"{where}.{key}", message)
        return value

    def urls(self, data: dict[str, Any], key: str, where: str, *, required: bool = False) -> tuple[str, ...]:
        values = data.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.problem(f"{where}.{key}", _("moet een lijst van URL's zijn"))
            return ()
        if required and not values:
            self.problem(f"{where}.{key}", _("moet minstens één URL bevatten"))
        for index, value in enumerate(values):
            message = url_problem(value, redirect=True)
            if message:
                self.problem(f"{where}.{key}[{index}]", message)
        if len(set(values)) != len(values):
            self.problem(f"{where}.{key}", _("bevat dezelfde URL twee keer"))
        return tuple(values)

    def mapping(self, data: object, where: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.problem(where, _("moet een object ({…}) zijn"))
            return {}
        return data


def parse_partner_spec(data: object) -> PartnerSpec:
    """The registration as dataclasses, or `PartnerSpecError` listing every problem."""
    reader = _Reader()
    root = reader.mapping(data, "partner")
    slug = reader.text(root, "slug", "partner", required=True)
    if slug and not SLUG_RE.match(slug):
        reader.problem("partner.slug", "alleen kleine letters, cijfers en streepjes (max. 64)")
    kind = reader.text(root, "kind", "partner", required=True)
    if kind and kind not in PARTNER_KINDS:
        reader.problem(
            "partner.kind", _("moet een van %(choices)s zijn") % {"choices": ", ".join(PARTNER_KINDS)}
        )
    contact = reader.mapping(root.get("contact", {}), "partner.contact")
    contact_email = reader.text(contact, "email", "partner.contact")
    if contact_email and not EMAIL_RE.match(contact_email):
        reader.problem(
            "partner.contact.email",
            _("'%(contact_email)s' is geen e-mailadres") % {"contact_email": contact_email},
        )
    data = reader.mapping(root.get("data", {}), "partner.data")
    apps_data = root.get("apps", [])
    if not isinstance(apps_data, list):
        reader.problem("partner.apps", _("moet een lijst zijn"))
        apps_data = []
    apps = tuple(_parse_app(reader, app, f"partner.apps[{i}]") for i, app in enumerate(apps_data))
    for key, label in (("slug", "slug"), ("client_id", "client_id"), ("entity_id", "entity_id")):
        seen = [_app_key(app, key) for app in apps]
        present = [value for value in seen if value]
        if len(set(present)) != len(present):
            reader.problem("partner.apps", _("twee apps hebben dezelfde %(label)s") % {"label": label})
    spec = PartnerSpec(
        slug=slug,
        name=reader.text(root, "name", "partner", required=True),
        kind=kind,
        sector_id=reader.text(root, "sector_id", "partner") or slug,
        contact_name=reader.text(contact, "name", "partner.contact"),
        contact_email=contact_email.lower(),
        active=reader.flag(root, "active", "partner"),
        apps=apps,
        purpose=reader.text(data, "purpose", "partner.data"),
        names_reason=reader.text(data, "names", "partner.data"),
        eck_id_reason=reader.text(data, "eck_id", "partner.data"),
    )
    if reader.problems:
        raise PartnerSpecError(reader.problems)
    return spec


def _app_key(app: AppSpec, key: str) -> str:
    if key == "slug":
        return app.slug
    if key == "client_id":
        return app.oidc.client_id if app.oidc else ""
    return app.saml.entity_id if app.saml else ""


def _parse_app(reader: _Reader, data: object, where: str) -> AppSpec:
    app = reader.mapping(data, where)
    slug = reader.text(app, "slug", where, required=True)
    if slug and not SLUG_RE.match(slug):
        reader.problem(f"{where}.slug", _("alleen kleine letters, cijfers en streepjes (max. 64)"))
    oidc = _parse_oidc(reader, app["oidc"], f"{where}.oidc", slug) if "oidc" in app else None
    saml = _parse_saml(reader, app["saml"], f"{where}.saml") if "saml" in app else None
    if oidc is None and saml is None and app:
        reader.problem(where, _("geef een 'oidc'- en/of 'saml'-deel"))
    return AppSpec(
        slug=slug,
        name=reader.text(app, "name", where, required=True),
        active=reader.flag(app, "active", where),
        launch_url=reader.url(app, "launch_url", where),
        licence_endpoint_url=reader.url(app, "licence_endpoint_url", where),
        oidc=oidc,
        saml=saml,
    )


def _parse_oidc(reader: _Reader, data: object, where: str, slug: str) -> OidcSpec:
    oidc = reader.mapping(data, where)
    client_id = reader.text(oidc, "client_id", where) or slug
    if client_id and not CLIENT_ID_RE.match(client_id):
        reader.problem(f"{where}.client_id", _("alleen letters, cijfers en . _ ~ - (max. 128)"))
    client_type = reader.text(oidc, "client_type", where) or "confidential"
    if client_type not in CLIENT_TYPES:
        reader.problem(
            f"{where}.client_type", _("moet een van %(choices)s zijn") % {"choices": ", ".join(CLIENT_TYPES)}
        )
    default_method = "none" if client_type == "public" else "client_secret_basic"
    method = reader.text(oidc, "token_endpoint_auth_method", where) or default_method
    if method not in AUTH_METHODS:
        reader.problem(
            f"{where}.token_endpoint_auth_method",
            _("moet een van %(choices)s zijn") % {"choices": ", ".join(AUTH_METHODS)},
        )
    elif (client_type == "public") != (method == "none"):
        reader.problem(
            f"{where}.token_endpoint_auth_method",
            _("een publieke client gebruikt 'none' (met PKCE); een vertrouwelijke client een andere methode"),
        )
    scopes = oidc.get("scopes", ["openid"])
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        reader.problem(f"{where}.scopes", _("moet een lijst van scopes zijn"))
        scopes = ["openid"]
    unknown = sorted(set(scopes) - set(KNOWN_SCOPES))
    if unknown:
        reader.problem(
            f"{where}.scopes",
            _("onbekende scope(s) %(unknown)s; kies uit %(known_scopes)s")
            % {"unknown": ", ".join(unknown), "known_scopes": KNOWN_SCOPES},
        )
    if "openid" not in scopes:
        reader.problem(f"{where}.scopes", _("moet 'openid' bevatten"))
    jwks = oidc.get("jwks")
    jwks_uri = reader.url(oidc, "jwks_uri", where)
    if jwks is not None:
        _check_jwks(reader, jwks, f"{where}.jwks")
    alg = reader.text(oidc, "id_token_signed_response_alg", where) or "ES256"
    if alg not in SIGNING_ALGS:
        reader.problem(
            f"{where}.id_token_signed_response_alg",
            _("moet een van %(choices)s zijn") % {"choices": ", ".join(SIGNING_ALGS)},
        )
    if method == "private_key_jwt" and not (jwks or jwks_uri):
        reader.problem(where, "private_key_jwt vraagt om 'jwks' of 'jwks_uri'")
    return OidcSpec(
        client_id=client_id,
        client_type=client_type,
        token_endpoint_auth_method=method,
        redirect_uris=reader.urls(oidc, "redirect_uris", where, required=True),
        post_logout_redirect_uris=reader.urls(oidc, "post_logout_redirect_uris", where),
        scopes=tuple(dict.fromkeys(scopes)),
        initiate_login_uri=reader.url(oidc, "initiate_login_uri", where),
        backchannel_logout_uri=reader.url(oidc, "backchannel_logout_uri", where),
        jwks=jwks if isinstance(jwks, dict) else None,
        jwks_uri=jwks_uri,
        id_token_signed_response_alg=alg,
    )


def _check_jwks(reader: _Reader, jwks: object, where: str) -> None:
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        reader.problem(where, 'moet een JWK-set zijn: {"keys": [...]}')
        return
    if any(isinstance(key, dict) and "d" in key for key in jwks["keys"]):
        reader.problem(where, _("bevat een privésleutel; geef alleen publieke sleutels"))
        return
    try:
        KeySet.import_key_set(jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        reader.problem(where, _("is geen geldige JWK-set (%(exc)s)") % {"exc": exc})


def _parse_saml(reader: _Reader, data: object, where: str) -> SamlSpec:
    saml = reader.mapping(data, where)
    certificate = reader.text(saml, "certificate", where)
    if certificate:
        try:
            x509.load_pem_x509_certificate(certificate.encode())
        except ValueError:
            reader.problem(f"{where}.certificate", _("is geen geldig PEM-certificaat"))
    return SamlSpec(
        entity_id=reader.text(saml, "entity_id", where, required=True),
        acs_urls=reader.urls(saml, "acs_urls", where, required=True),
        certificate=certificate,
    )
