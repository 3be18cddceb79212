"""/portal/jwks/ — the public key that verifies licence requests (interim, until the OIDC JWKS exists)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from klaspoort.portal.signing import public_jwks


@require_GET
def jwks_view(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(public_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response
