"""The connector API for LAS vendors: /las/v1/… (docs/partners/las-connector.openapi.yaml).

Every request carries a bearer token from POST /las/v1/token (OAuth 2 client credentials, see
`laslink.tokens`), or the vendor's credentials themselves (HTTP Basic, client_secret_basic). A vendor
acts only on schools whose link is its own: another vendor's school answers 403 and nothing is stored.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from klaspoort.core.uploads import accepts_upload
from klaspoort.laslink import actions, pushes, tokens
from klaspoort.laslink.credentials import authenticate
from klaspoort.laslink.models import LasLink, LasVendor, PushedFile
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.edexml.reader import default_max_bytes


def _vendor(request: HttpRequest) -> LasVendor | None:
    """The vendor of a bearer token from POST /las/v1/token, or of Basic client credentials."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return tokens.vendor_of_token(value.strip())
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return authenticate(client_id, secret)


def _error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="klaspoort-las", Basic realm="klaspoort-las"'
    return response


def _state(link: LasLink) -> dict[str, object]:
    return {
        "school": link.school.code,
        "las_enabled": link.las_enabled,
        "school_enabled": link.school_enabled,
        "active": link.is_active,
        "last_success_at": link.last_success_at.isoformat() if link.last_success_at else None,
        "next_run_at": link.next_run_at.isoformat() if link.next_run_at and link.is_active else None,
        "last_outcome": link.last_outcome,
    }


def _school(code: str) -> SchoolLocation | None:
    code = code.upper()
    return (
        SchoolLocation.objects.filter(brin=code[:4], location_code=code[4:]).first()
        if len(code) == 6
        else None
    )


@csrf_exempt
@require_http_methods(["POST"])
def token_view(request: HttpRequest) -> HttpResponse:
    """OAuth 2 client credentials (client_secret_basic): a bearer token for the connector."""
    response: HttpResponse = tokens.server.create_token_response(request)
    return response


@csrf_exempt
@require_http_methods(["GET", "PUT"])
def link_view(request: HttpRequest, code: str) -> HttpResponse:
    vendor = _vendor(request)
    if vendor is None:
        return _error(401, "unknown client or wrong secret")
    school = _school(code)
    if school is None:
        return _error(404, "no such school")
    link = LasLink.objects.filter(school=school).select_related("vendor", "school").first()
    if request.method == "GET":
        if link is None or link.vendor_id != vendor.pk:
            return _error(403, "this school is not linked to your system")
        return JsonResponse(_state(link))
    try:
        enabled = json.loads(request.body or b"{}")["enabled"]
    except (ValueError, KeyError, TypeError):
        return _error(400, 'send {"enabled": true} or {"enabled": false}')
    if not isinstance(enabled, bool):
        return _error(400, 'send {"enabled": true} or {"enabled": false}')
    try:
        link = actions.do_set_las_consent(vendor, school, enabled)
    except actions.OtherVendor:
        return _error(403, "this school is linked to another system")
    return JsonResponse(_state(link))


@accepts_upload(default_max_bytes)
@csrf_exempt
@require_http_methods(["POST"])
def push_view(request: HttpRequest, code: str) -> HttpResponse:
    """A LAS pushes a new EDEXML export: stored and queued for a worker, answered at once with 202
    and the push to poll (`push_status_view`); the same file again answers with the same push."""
    vendor = _vendor(request)
    if vendor is None:
        return _error(401, "unknown client or wrong secret")
    school = _school(code)
    link = (
        LasLink.objects.filter(school=school).select_related("vendor", "school").first() if school else None
    )
    if link is None or link.vendor_id != vendor.pk:
        return _error(403, "this school is not linked to your system")
    if not link.is_active:
        return _error(409, "the link is not active: both the LAS and the school must switch it on")
    limit = default_max_bytes()
    data = request.read(limit + 1)
    if len(data) > limit:
        return _error(413, "file too large")
    try:
        push, new = pushes.do_accept_push(vendor, link, data)
    except pushes.PushRefused as refused:
        return _error(refused.status, refused.message)
    push.link = link
    location = reverse("laslink:api_push_status", args=[link.school.code, push.pk])
    response = JsonResponse({**pushes.push_state(push), "poll": location, "new": new}, status=202)
    response["Location"] = location
    return response


@csrf_exempt
@require_http_methods(["GET"])
def push_status_view(request: HttpRequest, code: str, push_id: int) -> HttpResponse:
    """The state of a push: queued, or done with its import run (status, counts, errors)."""
    vendor = _vendor(request)
    if vendor is None:
        return _error(401, "unknown client or wrong secret")
    push = PushedFile.objects.filter(pk=push_id).select_related("link__school", "run").first()
    if push is None or push.link.school.code != code.upper():
        return _error(404, "no such push")
    if push.link.vendor_id != vendor.pk:
        return _error(403, "this school is not linked to your system")
    return JsonResponse(pushes.push_state(push))
