"""`/oidc/userinfo/`: the claims released with the access token's grant (never more)."""

from __future__ import annotations

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import MissingAuthorizationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from klaspoort.federation.disclosure import Released
from klaspoort.federation.oidc.claims import oidc_claims
from klaspoort.federation.oidc.server import require_oauth


def _error(error: OAuth2Error) -> HttpResponse:
    response = JsonResponse(dict(error.get_body()), status=error.status_code)
    for name, value in error.get_headers():
        response[name] = value
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo_view(request: HttpRequest) -> HttpResponse:
    try:
        token = require_oauth.acquire_token(request, ["openid"])
    except MissingAuthorizationError as error:
        return _error(error)
    except OAuth2Error as error:
        return _error(error)
    response = JsonResponse(oidc_claims(Released.from_json(token.grant.released)))
    response["Cache-Control"] = "no-store"
    response["Access-Control-Allow-Origin"] = "*"
    return response
