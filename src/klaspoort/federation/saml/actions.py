"""Issue a signed SAML response for the signed-in person (the one state change of the IdP).

The attribute values come only from the federation's disclosure function (consent, minimisation,
disclosure record); this module turns them into Entree attributes and signs the response.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from klaspoort.accounts.principal import Principal
from klaspoort.core.clock import now as clock_now
from klaspoort.federation.saml import partners
from klaspoort.federation.saml.assertion import (
    ResponseInput,
    encode_for_post,
    issue_no_passive_response,
    issue_response,
)
from klaspoort.federation.saml.attributes import entree_attributes
from klaspoort.federation.saml.idp import identity_provider
from klaspoort.federation.saml.keys import signing_credentials

Refused = partners.Refused  # any refusal of the disclosure path (e.g. consent missing)


@dataclass(frozen=True)
class SamlPost:
    """What the browser posts to the SP's assertion consumer service."""

    acs_url: str
    saml_response: str
    relay_state: str
    partner_name: str


def do_issue_response(
    principal: Principal,
    app: partners.SamlApp,
    *,
    acs_url: str,
    in_response_to: str | None,
    relay_state: str = "",
    now: dt.datetime | None = None,
) -> SamlPost:
    """Disclose (raises Refused, e.g. consent missing: nothing is issued), build, sign."""
    if acs_url not in app.service_provider.acs_urls:
        raise ValueError("ACS URL not registered for this SP")
    released = partners.disclose_for_saml(principal, app)
    idp = identity_provider()
    issued_at = now or clock_now()
    data = ResponseInput(
        idp_entity_id=idp.entity_id,
        sp_entity_id=app.service_provider.entity_id,
        acs_url=acs_url,
        name_id=released.sub,
        attributes=entree_attributes(released, idp.uid_realm),
        issued_at=issued_at,
        authn_instant=dt.datetime.fromtimestamp(principal.auth_time, dt.UTC)
        if principal.auth_time
        else issued_at,
        in_response_to=in_response_to,
    )
    xml = issue_response(data, signing_credentials(), sign_whole_response=app.service_provider.sign_response)
    return SamlPost(
        acs_url=acs_url,
        saml_response=encode_for_post(xml),
        relay_state=relay_state,
        partner_name=app.partner_name,
    )


def no_passive_post(
    app: partners.SamlApp, *, acs_url: str, in_response_to: str, relay_state: str = ""
) -> SamlPost:
    """The answer to an IsPassive request when nobody is signed in: NoPassive, no assertion."""
    if acs_url not in app.service_provider.acs_urls:
        raise ValueError("ACS URL not registered for this SP")
    xml = issue_no_passive_response(
        idp_entity_id=identity_provider().entity_id,
        acs_url=acs_url,
        in_response_to=in_response_to,
        issued_at=clock_now(),
        credentials=signing_credentials(),
    )
    return SamlPost(
        acs_url=acs_url,
        saml_response=encode_for_post(xml),
        relay_state=relay_state,
        partner_name=app.partner_name,
    )
