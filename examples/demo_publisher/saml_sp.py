"""Sign-in as a SAML 2.0 service provider, with pysaml2 (signatures checked with signxml: only Python).

The platform posts an unsolicited (IdP-initiated) response to one of our ACS URLs, one per product
(`/acs/<product>`), or answers our own AuthnRequest (SP-initiated, from `/login`). pysaml2 checks the
signature against the platform's metadata, the audience, the destination and the validity window.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from platform_client import Platform
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from signature import SignxmlBackend

ATTRIBUTE_MAP_DIR = Path(__file__).resolve().parent.parent / "pysaml2_attributemaps"


class SignInFailed(Exception):
    pass


class SamlServiceProvider:
    def __init__(self, platform: Platform, base_url: str, acs_paths: list[str]) -> None:
        self.platform = platform
        self.entity_id = f"{base_url}/metadata"
        self.acs_urls = [base_url + path for path in acs_paths]
        self._client: Saml2Client | None = None
        self._lock = threading.Lock()
        self._outstanding: dict[str, str] = {}

    def client(self) -> Saml2Client:
        with self._lock:
            if self._client is None:
                config = SPConfig()
                config.load(
                    {
                        "entityid": self.entity_id,
                        "crypto_backend": "XMLSecurity",  # replaced by signxml below
                        "metadata": {"inline": [self.platform.saml_metadata()]},
                        "attribute_map_dir": str(ATTRIBUTE_MAP_DIR),
                        "accepted_time_diff": 60,
                        "service": {
                            "sp": {
                                "endpoints": {
                                    "assertion_consumer_service": [
                                        (url, BINDING_HTTP_POST) for url in self.acs_urls
                                    ]
                                },
                                "allow_unsolicited": True,
                                "authn_requests_signed": False,
                                "want_assertions_signed": True,
                                "want_response_signed": False,
                                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                            }
                        },
                    }
                )
                client = Saml2Client(config=config)
                client.sec.crypto = SignxmlBackend()
                self._client = client
            return self._client

    def start(self, relay_state: str = "") -> str:
        """Where to send the browser for an SP-initiated login."""
        request_id, info = self.client().prepare_for_authenticate(
            relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
        )
        self._outstanding[str(request_id)] = relay_state
        return dict(info["headers"])["Location"]

    def finish(self, saml_response: str) -> dict[str, Any]:
        """The verified NameID and attributes, or SignInFailed."""
        try:
            response = self.client().parse_authn_request_response(
                saml_response, BINDING_HTTP_POST, outstanding=dict(self._outstanding)
            )
        except Exception as error:  # pysaml2 raises many types for a refused response
            raise SignInFailed(f"SAML response refused: {type(error).__name__}: {error}") from None
        if response is None:
            raise SignInFailed("SAML response refused")
        self._outstanding.pop(str(response.in_response_to or ""), None)
        return {"name_id": response.name_id.text if response.name_id else "", "attributes": response.ava}

    def metadata(self) -> str:
        from saml2.metadata import entity_descriptor

        return str(entity_descriptor(self.client().config))
