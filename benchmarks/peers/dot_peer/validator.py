"""Userinfo and ID token claims of the peer: the person's names, as klaspoort releases them."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class ProfileValidator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "given_name": "profile", "family_name": "profile"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        return {"given_name": request.user.first_name, "family_name": request.user.last_name}
