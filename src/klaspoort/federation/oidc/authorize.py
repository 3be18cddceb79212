"""`/oidc/authorize/`: the authorization code flow (PKCE S256, state, nonce, prompt, max_age).

Who is signed in comes from the session's Principal. Without one (or when `prompt=login` or
`max_age` asks for a fresh login) the browser goes to the login page and comes back here. A
request that cannot be trusted (unknown client, redirect URI not registered) gets an error page
and is never redirected. When the school has not switched the partner on, the user sees a clear
page and nothing is issued.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import AccessDeniedError, InvalidRequestError, InvalidScopeError, scope_to_list
from authlib.oidc.core.errors import LoginRequiredError
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.principal import Principal, current_principal
from klaspoort.federation.disclosure import ConsentMissing, DisclosureRefused, disclose
from klaspoort.federation.oidc.claims import AuthorizedUser, op_session_of, requested_categories, sid_for
from klaspoort.federation.oidc.server import server

# Error descriptions in redirects must be ASCII; the reason codes come from disclosure.py.
REFUSAL_DESCRIPTIONS = {
    "consent_missing": "The school has not switched this application on.",
    "person_unknown": "The user is not active at this school.",
    "partner_inactive": "This application is not available.",
}


# Longest accepted value per parameter: nonce and scope as stored with the grant (OidcGrant), the
# others well above anything a client needs.
PARAMETER_LIMITS = {
    "nonce": 255,
    "scope": 200,
    "state": 1024,
    "redirect_uri": 2000,
    "client_id": 200,
    "code_challenge": 128,
    "login_hint": 254,
}


def error_page(request: HttpRequest, error: OAuth2Error) -> HttpResponse:
    """Errors we may send back to a verified redirect URI go there; others get a page."""
    if getattr(error, "redirect_uri", None):
        response: HttpResponse = server.handle_error_response(server.create_oauth2_request(request), error)
        return response
    return render(
        request,
        "federation/oidc/error.html",
        {"error": error.error, "description": error.description or ""},
        status=400,
    )


def _login_redirect(request: HttpRequest, params: dict[str, str]) -> HttpResponse:
    """To the login page, and back here afterwards (without `prompt=login`, or it would loop)."""
    prompts = [p for p in params.get("prompt", "").split() if p != "login"]
    back = {k: v for k, v in params.items() if k != "prompt"}
    if prompts:
        back["prompt"] = " ".join(prompts)
    next_url = f"{request.path}?{urlencode(back)}"
    return HttpResponseRedirect(f"{settings.LOGIN_URL}?{urlencode({'next': next_url})}")


def _needs_login(principal: Principal | None, prompts: set[str], max_age: int | None) -> bool:
    if principal is None or "login" in prompts:
        return True
    return max_age is not None and int(time.time()) - principal.auth_time > max_age


# Parameters Authlib quotes in its error descriptions, which allow only these characters
# (RFC 6749 §5.2); anything else there made Authlib raise instead of answering (a 500).
QUOTED_PARAMETERS = ("response_type", "response_mode", "code_challenge_method", "prompt", "display")
_DESCRIPTION_SAFE = re.compile(r"^[\x20\x21\x23-\x5b\x5d-\x7e]*$")


def _too_long(request: HttpRequest) -> str | None:
    """A parameter longer than we store (the grant's columns) or than any honest client sends."""
    data = request.POST if request.method == "POST" else request.GET
    for name, limit in PARAMETER_LIMITS.items():
        if len(data.get(name, "")) > limit:
            return name
    return None


def _unquotable(request: HttpRequest) -> str | None:
    data = request.POST if request.method == "POST" else request.GET
    for name in QUOTED_PARAMETERS:
        if not all(_DESCRIPTION_SAFE.match(value) for value in data.getlist(name)):
            return name
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def authorize_view(request: HttpRequest) -> HttpResponse:
    principal = current_principal(request)
    if (name := _too_long(request)) is not None:
        return error_page(request, InvalidRequestError(f"The '{name}' parameter is too long."))
    if (name := _unquotable(request)) is not None:
        return error_page(
            request, InvalidRequestError(f"The '{name}' parameter has characters it may not have.")
        )
    try:
        grant = server.get_consent_grant(request, end_user=principal)
    except OAuth2Error as error:
        return error_page(request, error)
    redirect_uri = grant.redirect_uri
    state = grant.request.payload.state
    params: dict[str, str] = dict(grant.request.payload.data)
    prompts = set(params.get("prompt", "").split())
    try:
        if "openid" not in (scope_to_list(grant.request.scope) or []):
            raise InvalidScopeError("This provider needs the 'openid' scope.", redirect_uri=redirect_uri)
        try:
            max_age = int(params["max_age"]) if params.get("max_age") else None
        except ValueError:
            raise InvalidRequestError("Invalid 'max_age'.", redirect_uri=redirect_uri) from None
        if _needs_login(principal, prompts, max_age):
            if "none" in prompts:
                raise LoginRequiredError(redirect_uri=redirect_uri)
            return _login_redirect(request, params)
        assert principal is not None
        app = grant.client.app
        try:
            released = disclose(
                principal,
                app,
                purpose="oidc",
                requested=requested_categories(scope_to_list(grant.request.scope)),
            )
        except DisclosureRefused as refused:
            if "none" in prompts:
                description = REFUSAL_DESCRIPTIONS.get(refused.reason, "Nothing may be released.")
                raise AccessDeniedError(description, redirect_uri=redirect_uri) from refused
            template = "not_enabled" if isinstance(refused, ConsentMissing) else "refused"
            return render(
                request,
                f"federation/oidc/{template}.html",
                {"app": app, "partner": app.partner, "message": str(refused)},
                status=403,
            )
        op_session = op_session_of(principal)
        user = AuthorizedUser(principal, released, op_session, sid_for(op_session, grant.client.client_id))
        status, body, headers = grant.create_authorization_response(redirect_uri, user)
    except OAuth2Error as error:
        error.state = state
        return error_page(request, error)
    response: HttpResponse = server.handle_response(status, body, headers)
    return response
