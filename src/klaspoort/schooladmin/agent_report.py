"""POST /schoolnetwerk/melding: the IP agent reports in (Authorization: Bearer <token>).

The address recorded is the request's socket address, never something the agent claims.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from klaspoort.schooladmin.actions import UnknownAgentToken, do_record_agent_report
from klaspoort.schooladmin.network import client_address

MAX_TOKEN_LENGTH = 200


@csrf_exempt  # machine-to-machine, authenticated by the bearer token, no cookies involved
@require_POST
def report(request: HttpRequest) -> JsonResponse:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        return JsonResponse({"error": "Geef de sleutel mee: Authorization: Bearer <sleutel>."}, status=401)
    address = client_address(request)
    try:
        agent = do_record_agent_report(token, address)
    except UnknownAgentToken:
        return JsonResponse({"error": "Onbekende of ingetrokken sleutel."}, status=401)
    return JsonResponse({"address": address, "school": agent.school.code})
