"""POST /schoolnetwerk/melding: the IP agent reports in (Authorization: Bearer <token>).

The address recorded is the request's client address (the socket peer, or behind trusted proxies
the address they saw: accounts/client_address.py), never something the agent claims.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from klaspoort.accounts.client_address import client_ip
from klaspoort.schooladmin.actions import UnknownAgentToken, do_record_agent_report

MAX_TOKEN_LENGTH = 200


@csrf_exempt  # machine-to-machine, authenticated by the bearer token, no cookies involved
@require_POST
def report(request: HttpRequest) -> JsonResponse:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH:
        return JsonResponse({"error": _("Geef de sleutel mee: Authorization: Bearer <sleutel>.")}, status=401)
    address = client_ip(request)
    try:
        agent = do_record_agent_report(token, address)
    except UnknownAgentToken:
        return JsonResponse({"error": _("Onbekende of ingetrokken sleutel.")}, status=401)
    return JsonResponse({"address": address, "school": agent.school.code})
