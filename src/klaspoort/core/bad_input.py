"""Input no view can use is refused before any view runs (`BadInputMiddleware`).

- A NUL character in the path, a query or a form field: no URL or text of ours contains one, and
  PostgreSQL cannot store or compare it (a query with one fails). Answer: 400; on the OpenID Connect
  endpoints the protocol's own `invalid_request`.
- On the OpenID Connect endpoints, an `Authorization: Basic` header that is not base64 of UTF-8
  text: `invalid_client` (401), as for any wrong client credentials.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.defaults import bad_request

OIDC_PREFIX = "/oidc/"


def _has_nul(values: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


def has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or _has_nul(request.GET):
        return True
    return request.method == "POST" and request.content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ) and _has_nul(request.POST)  # fmt: skip


def basic_credentials_unreadable(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return True
    return False


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        oidc = request.path.startswith(OIDC_PREFIX)
        if has_nul(request):
            if oidc:
                return JsonResponse(
                    {"error": "invalid_request", "error_description": "NUL characters are not allowed."},
                    status=400,
                )
            return bad_request(request, BadRequest("NUL character in the request"))
        if oidc and basic_credentials_unreadable(request):
            response = JsonResponse(
                {"error": "invalid_client", "error_description": "Unreadable Basic credentials."}, status=401
            )
            response["WWW-Authenticate"] = 'Basic error="invalid_client"'
            return response
        return self.get_response(request)
