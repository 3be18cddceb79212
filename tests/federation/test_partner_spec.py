from __future__ import annotations

from typing import Any

import pytest

from klaspoort.federation.partner_spec import (
    AppSpec,
    OidcSpec,
    PartnerSpec,
    PartnerSpecError,
    SamlSpec,
    parse_partner_spec,
)

from .factories import REDIRECT_URI, partner_spec_data


def test_a_full_registration_is_read() -> None:
    data = partner_spec_data(backchannel_logout_uri="https://rekenwijs.example/oidc/backchannel")
    data["apps"][0]["saml"] = {
        "entity_id": "https://rekenwijs.example/saml",
        "acs_urls": ["https://rekenwijs.example/acs"],
    }
    assert parse_partner_spec(data) == PartnerSpec(
        slug="uitgeverij-noord",
        name="Uitgeverij Noord",
        kind="publisher",
        sector_id="noord.example",
        contact_name="Piet Support",
        contact_email="support@noord.example",
        apps=(
            AppSpec(
                slug="rekenwijs",
                name="Rekenwijs",
                launch_url="https://rekenwijs.example/start",
                licence_endpoint_url="https://rekenwijs.example/api/licences",
                oidc=OidcSpec(
                    client_id="rekenwijs",
                    client_type="confidential",
                    token_endpoint_auth_method="client_secret_basic",
                    redirect_uris=(REDIRECT_URI,),
                    scopes=("openid", "profile", "eck_id"),
                    backchannel_logout_uri="https://rekenwijs.example/oidc/backchannel",
                ),
                saml=SamlSpec(
                    entity_id="https://rekenwijs.example/saml", acs_urls=("https://rekenwijs.example/acs",)
                ),
            ),
        ),
    )


def test_defaults_sector_from_slug_and_public_clients_use_none() -> None:
    data = partner_spec_data(client_type="public")
    del data["sector_id"]
    spec = parse_partner_spec(data)
    assert spec.sector_id == "uitgeverij-noord"
    assert spec.apps[0].oidc is not None
    assert spec.apps[0].oidc.token_endpoint_auth_method == "none"


def _problems(data: Any) -> list[str]:
    with pytest.raises(PartnerSpecError) as caught:
        parse_partner_spec(data)
    return caught.value.problems


def test_every_problem_is_listed_with_its_place() -> None:
    data = partner_spec_data(
        redirect_uris=["http://rekenwijs.example/cb", "https://x.example/cb#frag", "/relative"],
        scopes=["openid", "everything"],
        client_type="public",
        token_endpoint_auth_method="client_secret_basic",
    )
    data["kind"] = "bank"
    data["slug"] = "Bad Slug"
    data["contact"]["email"] = "nope"
    assert _problems(data) == [
        "partner.slug: alleen kleine letters, cijfers en streepjes (max. 64)",
        "partner.kind: moet een van publisher, network_provider zijn",
        "partner.contact.email: 'nope' is geen e-mailadres",
        "partner.apps[0].oidc.token_endpoint_auth_method: een publieke client gebruikt 'none' (met PKCE); "
        "een vertrouwelijke client een andere methode",
        "partner.apps[0].oidc.scopes: onbekende scope(s) everything; kies uit ('openid', 'profile', 'eck_id', 'offline_access')",
        "partner.apps[0].oidc.redirect_uris[0]: 'http://rekenwijs.example/cb' moet https gebruiken (http mag alleen op localhost)",
        "partner.apps[0].oidc.redirect_uris[1]: 'https://x.example/cb#frag' mag geen fragment (#…) bevatten",
        "partner.apps[0].oidc.redirect_uris[2]: '/relative' is geen volledige http(s)-URL",
    ]


def test_loopback_http_is_allowed_for_development() -> None:
    spec = parse_partner_spec(
        partner_spec_data(redirect_uris=["http://127.0.0.1:8765/cb", "http://localhost/cb"])
    )
    assert spec.apps[0].oidc is not None
    assert spec.apps[0].oidc.redirect_uris == ("http://127.0.0.1:8765/cb", "http://localhost/cb")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"token_endpoint_auth_method": "private_key_jwt"}, "private_key_jwt vraagt om 'jwks' of 'jwks_uri'"),
        ({"jwks": {"keys": [{"kty": "oct", "k": "x", "d": "y"}]}}, "bevat een privésleutel"),
        ({"jwks": {"keys": [{"kty": "EC", "crv": "P-256"}]}}, "is geen geldige JWK-set"),
        ({"redirect_uris": []}, "moet minstens één URL bevatten"),
        ({"scopes": ["profile"]}, "moet 'openid' bevatten"),
    ],
)
def test_oidc_problems(change: dict[str, Any], problem: str) -> None:
    assert any(problem in line for line in _problems(partner_spec_data(**change)))


def test_saml_certificate_must_be_pem_and_apps_need_a_protocol() -> None:
    data = partner_spec_data()
    data["apps"][0]["saml"] = {"entity_id": "e", "acs_urls": ["https://a.example/acs"], "certificate": "junk"}
    data["apps"].append({"slug": "leeg", "name": "Leeg"})
    assert _problems(data) == [
        "partner.apps[0].saml.certificate: is geen geldig PEM-certificaat",
        "partner.apps[1]: geef een 'oidc'- en/of 'saml'-deel",
    ]


def test_not_an_object() -> None:
    assert _problems([]) == [
        "partner: moet een object ({…}) zijn",
        "partner.slug: is verplicht",
        "partner.kind: is verplicht",
        "partner.name: is verplicht",
    ]
