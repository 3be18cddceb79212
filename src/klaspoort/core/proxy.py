"""`X-Forwarded-Proto` is believed only from a trusted proxy (settings.TRUSTED_PROXIES).

settings.SECURE_PROXY_SSL_HEADER is set when proxies are configured, so `request.is_secure()` is
true behind the TLS proxy (HSTS is sent, `safe_next` refuses http:// targets). A client that
reaches the app directly cannot claim https: this middleware removes the header from its request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDED_PROTO = "HTTP_X_FORWARDED_PROTO"


def from_trusted_proxy(remote_addr: str) -> bool:
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    for entry in getattr(settings, "TRUSTED_PROXIES", ()):
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


class TrustedForwardedProtoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if FORWARDED_PROTO in request.META and not from_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            del request.META[FORWARDED_PROTO]
        return self.get_response(request)
