"""A real SAML service provider for interop tests: pysaml2 (uses Debian's xmlsec1)."""

from __future__ import annotations

from pathlib import Path

from saml2 import BINDING_HTTP_POST
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT

from klaspoort.settings import PROJECT_DIR

ATTRIBUTE_MAP_DIR = Path(PROJECT_DIR) / "examples" / "pysaml2_attributemaps"
SP_ENTITY_ID = "https://sp.example.nl/saml/metadata"
SP_ACS_URL = "https://sp.example.nl/saml/acs"


def make_client(
    xmlsec1_path: str,
    idp_metadata: str,
    *,
    entity_id: str = SP_ENTITY_ID,
    acs_url: str = SP_ACS_URL,
    key_file: str | None = None,
    cert_file: str | None = None,
    attribute_map: bool = True,
) -> Saml2Client:
    """A pysaml2 SP trusting the IdP described by `idp_metadata` (XML text)."""
    sp: dict = {
        "endpoints": {"assertion_consumer_service": [(acs_url, BINDING_HTTP_POST)]},
        "allow_unsolicited": True,
        "authn_requests_signed": key_file is not None,
        "want_assertions_signed": True,
        "want_response_signed": False,
        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
    }
    config: dict = {
        "entityid": entity_id,
        "xmlsec_binary": xmlsec1_path,
        "metadata": {"inline": [idp_metadata]},
        "service": {"sp": sp},
        "accepted_time_diff": 60,
    }
    if attribute_map:
        config["attribute_map_dir"] = str(ATTRIBUTE_MAP_DIR)
    else:
        config["allow_unknown_attributes"] = True
    if key_file and cert_file:
        config["key_file"] = key_file
        config["cert_file"] = cert_file
    sp_config = SPConfig()
    sp_config.load(config)
    return Saml2Client(config=sp_config)
