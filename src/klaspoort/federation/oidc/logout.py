"""Logout: RP-initiated (`/oidc/logout/`) and back-channel logout to partner apps.

When a Principal ends (`accounts.principal.principal_ended`: logout, school switch; or many at once,
`principals_ended`: "sign out everywhere", removal by an import), every app that redeemed a code
in that login gets a signed logout token (OpenID Connect Back-Channel Logout 1.0) at its
`backchannel_logout_uri`, and the grants of that login end (except `offline_access` ones). The
tokens are signed in the request; the POSTs go out from a small thread pool with a short
timeout, so the user never waits for a slow partner.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.oauth2 import OAuth2Error
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from joserfc import jwt

from klaspoort.accounts.login import end_staff_session
from klaspoort.accounts.principal import Principal, current_principal
from klaspoort.core.clock import now
from klaspoort.federation.oidc import config, keys
from klaspoort.federation.oidc.authorize import error_page
from klaspoort.federation.oidc.claims import op_session_of, sid_for
from klaspoort.federation.oidc.models import OidcGrant
from klaspoort.federation.oidc.server import server

logger = logging.getLogger("klaspoort.federation.oidc")

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="kp-backchannel")
_pending: set[Future[int | None]] = set()


@dataclass(frozen=True)
class LogoutDelivery:
    client_id: str
    uri: str
    logout_token: str


def logout_token(client_id: str, alg: str, sub: str, sid: str) -> str:
    key = keys.signing_key(alg)
    issued = int(time.time())
    claims = {
        "iss": config.issuer(),
        "aud": client_id,
        "iat": issued,
        "exp": issued + config.LOGOUT_TOKEN_LIFETIME,
        "jti": uuid.uuid4().hex,
        "sub": sub,
        "sid": sid,
        "events": {BACKCHANNEL_EVENT: {}},
    }
    return jwt.encode({"alg": alg, "kid": str(key.kid), "typ": "logout+jwt"}, claims, key)


def _post(delivery: LogoutDelivery) -> int | None:
    try:
        response = httpx.post(
            delivery.uri,
            data={"logout_token": delivery.logout_token},
            timeout=config.BACKCHANNEL_TIMEOUT,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        logger.warning("back-channel logout to %s failed: %s", delivery.client_id, exc)
        return None
    if response.status_code != 200:
        logger.warning("back-channel logout to %s answered %s", delivery.client_id, response.status_code)
    return response.status_code


def send_deliveries(deliveries: list[LogoutDelivery]) -> list[Future[int | None]]:
    futures = [_pool.submit(_post, delivery) for delivery in deliveries]
    _pending.update(futures)
    for future in futures:
        future.add_done_callback(_pending.discard)
    return futures


def wait_for_deliveries(timeout: float = 5.0) -> None:
    """Tests and shutdown: wait until the queued logout tokens are sent."""
    wait(list(_pending), timeout=timeout)


def do_end_partner_sessions(principals: Iterable[Principal]) -> list[LogoutDelivery]:
    """End the grants of these logins and queue a logout token for every app that had one: two
    queries however many logins end (the grants, their revocation)."""
    op_sessions = {op_session_of(principal) for principal in principals}
    if not op_sessions:
        return []
    grants = list(
        OidcGrant.objects.filter(op_session__in=op_sessions, code_used_at__isnull=False).select_related("app")
    )
    ending = [g.pk for g in grants if "offline_access" not in g.scope.split()]  # revoked ones: unchanged
    if ending:
        OidcGrant.objects.unrevoked().filter(pk__in=ending).update(revoked_at=now(), revoke_reason="logout")
    return send_logout_tokens(grants)


def do_end_person_grants(person: uuid.UUID, school_ref: uuid.UUID, *, reason: str) -> list[LogoutDelivery]:
    """Revoke every grant of this person at this school, `offline_access` ones too (their access
    there has ended: a substitute's last day, C14), and queue a logout token for every app and login
    that redeemed one, except logins already logged out (a token went out then: `logout`). Three
    queries (the grants, the logins logged out, the revocation) however many there are."""
    live = OidcGrant.objects.unrevoked().filter(person=person, school_ref=school_ref)
    used = list(live.filter(code_used_at__isnull=False).select_related("app"))
    told = set(
        OidcGrant.objects.filter(
            person=person,
            school_ref=school_ref,
            revoke_reason="logout",
            op_session__in={g.op_session for g in used},
        ).values_list("op_session", flat=True)
    )
    live.update(revoked_at=now(), revoke_reason=reason)
    return send_logout_tokens(grant for grant in used if grant.op_session not in told)


def send_logout_tokens(grants: Iterable[OidcGrant]) -> list[LogoutDelivery]:
    """Queue a logout token for every app and login among `grants` (loaded with their app) whose
    app takes back-channel logout. Used when logins end and when a school withdraws consent."""
    deliveries: dict[tuple[str, str], LogoutDelivery] = {}  # one per app and login
    for grant in grants:
        app = grant.app
        if not app.backchannel_logout_uri or not app.client_id:
            continue
        if (app.client_id, grant.op_session) in deliveries:
            continue
        sub = str(grant.released.get("sub", ""))
        token = logout_token(app.client_id, app.id_token_signed_response_alg, sub, grant.sid)
        delivery = LogoutDelivery(app.client_id, app.backchannel_logout_uri, token)
        deliveries[app.client_id, grant.op_session] = delivery
    result = list(deliveries.values())
    send_deliveries(result)
    return result


def on_principal_ended(sender: Any, principal: Principal, **kwargs: Any) -> None:
    do_end_partner_sessions([principal])


def on_principals_ended(sender: Any, ended: list[tuple[str, Principal]], **kwargs: Any) -> None:
    do_end_partner_sessions(principal for _, principal in ended)


def end_user_session(request: HttpRequest) -> None:
    """Sign the browser out of klaspoort; the principal ends first, so back-channel logout runs."""
    end_staff_session(request)


def _hint_is_for_this_session(request: HttpRequest, claims: dict[str, Any] | None) -> bool:
    principal = current_principal(request)
    if principal is None or not claims:
        return False
    aud = claims.get("aud")
    client_id = aud if isinstance(aud, str) else (aud[0] if isinstance(aud, list) and len(aud) == 1 else "")
    return bool(client_id) and claims.get("sid") == sid_for(op_session_of(principal), str(client_id))


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """RP-initiated logout. Without a valid `id_token_hint` of this very session the user
    confirms with a button first (POST with CSRF protection), so a link alone cannot log anyone out."""
    try:
        end_request = server.validate_endpoint_request("end_session", request)
    except OAuth2Error as error:
        return error_page(request, error)
    if request.method == "GET" and not _hint_is_for_this_session(request, end_request.id_token_claims):
        app = end_request.client.app if end_request.client else None
        return render(
            request,
            "federation/oidc/logout_confirm.html",
            {"app": app, "params": sorted(end_request.request.payload.data.items())},
        )
    response: HttpResponse | None = server.create_endpoint_response("end_session", end_request)
    return response or render(request, "federation/oidc/logged_out.html")
