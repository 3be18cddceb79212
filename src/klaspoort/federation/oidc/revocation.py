"""`/oidc/revoke/`: token revocation (RFC 7009). A refresh token ends its whole grant."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from klaspoort.federation.oidc.server import server


@csrf_exempt
@require_POST
def revocation_view(request: HttpRequest) -> HttpResponse:
    response: HttpResponse = server.create_endpoint_response("revocation", request)
    return response
