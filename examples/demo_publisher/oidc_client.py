"""Sign-in as an OpenID Connect client, with Authlib (discovery, code flow with PKCE S256).

Third-party-initiated login: the platform sends the browser to `/login?iss=…&login_hint=…&target_link_uri=…`;
we check `iss`, remember the target and start an ordinary authorization request (with the login
hint). On `/callback` we exchange the code with our PKCE verifier, verify the ID token's signature
against the platform's JWKS plus `iss`, `aud`, `exp` and `nonce`, and fetch userinfo.
"""

from __future__ import annotations

import time
from typing import Any

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from platform_client import Platform


class SignInFailed(Exception):
    pass


class OidcClient:
    def __init__(
        self, platform: Platform, client_id: str, redirect_uri: str, client_secret: str = ""
    ) -> None:
        self.platform = platform
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.client_secret = client_secret

    def _session(self) -> OAuth2Session:
        return OAuth2Session(
            self.client_id,
            self.client_secret or None,
            token_endpoint_auth_method="client_secret_basic" if self.client_secret else "none",
            scope="openid profile",
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
        )

    def start(self, login_hint: str = "") -> tuple[str, dict[str, str]]:
        """The authorization URL and the state to keep in the browser session."""
        verifier = generate_token(64)
        nonce = generate_token(24)
        extra = {"login_hint": login_hint} if login_hint else {}
        with self._session() as session:
            url, state = session.create_authorization_url(
                self.platform.discovery()["authorization_endpoint"],
                code_verifier=verifier,
                nonce=nonce,
                **extra,
            )
        return url, {"state": state, "verifier": verifier, "nonce": nonce}

    def finish(self, callback_url: str, pending: dict[str, str]) -> dict[str, Any]:
        """Claims of the verified ID token merged with userinfo."""
        discovery = self.platform.discovery()
        with self._session() as session:
            try:
                token = session.fetch_token(
                    discovery["token_endpoint"],
                    authorization_response=callback_url,
                    state=pending["state"],
                    code_verifier=pending["verifier"],
                )
            except Exception as error:  # Authlib raises several error types for a refused exchange
                raise SignInFailed(f"token exchange failed: {error}") from None
            claims = self.verify_id_token(str(token.get("id_token", "")), pending["nonce"])
            userinfo = session.get(discovery["userinfo_endpoint"], timeout=5)
        if userinfo.status_code == 200:
            claims = {**claims, "userinfo": userinfo.json()}
        return claims

    def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        algorithms = ["ES256", "RS256"]
        try:
            try:
                decoded = jwt.decode(id_token, self.platform.keys(), algorithms=algorithms)
            except JoseError:
                decoded = jwt.decode(id_token, self.platform.keys(refresh=True), algorithms=algorithms)
        except (JoseError, ValueError) as error:
            raise SignInFailed(f"ID token signature: {error}") from None
        claims = dict(decoded.claims)
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        problems = [
            name
            for name, ok in (
                ("iss", claims.get("iss") == self.platform.issuer),
                ("aud", self.client_id in audiences),
                ("exp", isinstance(claims.get("exp"), int) and claims["exp"] > time.time() - 30),
                ("nonce", claims.get("nonce") == nonce),
            )
            if not ok
        ]
        if problems:
            raise SignInFailed("ID token: wrong " + ", ".join(problems))
        return claims
