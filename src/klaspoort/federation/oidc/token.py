"""`/oidc/token/`: code exchange and refresh (client_secret_basic/post, private_key_jwt, none+PKCE)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from klaspoort.federation.oidc.server import server


@csrf_exempt
@require_POST
def token_view(request: HttpRequest) -> HttpResponse:
    response: HttpResponse = server.create_token_response(request)
    return response
