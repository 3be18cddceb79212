"""Input no view can use is refused before any view runs (`BadInputMiddleware`).

- A body bigger than its view takes (`core.uploads`: DATA_UPLOAD_MAX_MEMORY_SIZE, or what the view
  declares with `accepts_upload`), by its announced Content-Length: 413 before anything of it is
  read (our own page for a form; JSON for an API body and on the OpenID Connect endpoints). A view
  that refuses by itself (the roster upload) gets its body untouched, and parses it itself.
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
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import bad_request

from klaspoort.core import errors, uploads

OIDC_PREFIX = "/oidc/"
_NUL = {"error": "invalid_request", "error_description": "NUL characters are not allowed."}


def has_nul(request: HttpRequest) -> bool:
    """In the path or the query (the body's fields: `body_has_nul`)."""
    return "\x00" in request.path or uploads.has_nul(request.GET)


def body_has_nul(request: HttpRequest) -> bool:
    forms = request.method == "POST" and request.content_type in uploads.FORMS
    return forms and uploads.has_nul(request.POST)


def _too_large(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(OIDC_PREFIX):
        body = {"error": "invalid_request", "error_description": "The request body is too large."}
        return JsonResponse(body, status=413)
    if request.content_type not in uploads.FORMS:
        return JsonResponse({"error": "request body too large"}, status=413)
    return errors.too_large(request)


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
            return self._nul(request)
        if oidc and basic_credentials_unreadable(request):
            response = JsonResponse(
                {"error": "invalid_client", "error_description": "Unreadable Basic credentials."}, status=401
            )
            response["WWW-Authenticate"] = 'Basic error="invalid_client"'
            return response
        return self.get_response(request)

    def _nul(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(OIDC_PREFIX):
            return JsonResponse(_NUL, status=400)
        return bad_request(request, BadRequest("NUL character in the request"))

    def process_view(
        self, request: HttpRequest, view: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        """The body, once the view is known (its limit) and before any other middleware reads it."""
        if uploads.refused_by_view(view):
            return None  # the view refuses an over-size body itself and parses its form itself
        limit = uploads.body_limit(view)
        if limit is not None and uploads.announced_size(request) > limit:
            return _too_large(request)
        if body_has_nul(request):
            return self._nul(request)
        return None
