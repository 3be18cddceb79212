"""A strict Content-Security-Policy on every response (`ContentSecurityPolicyMiddleware`).

    default-src 'self'; script-src 'self' 'nonce-…'; style-src 'self' 'nonce-…'; img-src 'self' data:;
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self' [targets]

Only our own scripts, styles and pictures; the few inline <script>/<style> blocks carry the
request's nonce (`{{ request.csp_nonce }}`); no page may be framed. A page that posts a form to a
registered partner target (the SAML POST binding to the app's ACS URL) names that target with
`allow_form_action(response, url)`; every other form posts to us only.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
_FORM_TARGETS = "_klaspoort_csp_form_action"
# A host name or address with an optional port: nothing that could end or add a directive.
_ORIGIN_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?")


def allow_form_action(response: HttpResponse, url: str) -> HttpResponse:
    """Let this response's forms post to `url`'s origin as well (a registered partner target)."""
    parts = urlsplit(url)
    if parts.scheme in ("https", "http") and _ORIGIN_HOST.fullmatch(parts.netloc):
        targets: list[str] = getattr(response, _FORM_TARGETS, [])
        targets.append(f"{parts.scheme}://{parts.netloc}")
        setattr(response, _FORM_TARGETS, targets)
    return response


def policy(nonce: str, form_targets: list[str]) -> str:
    form_action = " ".join(["'self'", *dict.fromkeys(form_targets)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            f"form-action {form_action}",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if HEADER not in response:
            response[HEADER] = policy(nonce, getattr(response, _FORM_TARGETS, []))
        return response
