"""Endpoints only machines call get a shorter middleware chain (`MachineEndpointsMiddleware`).

A relying party calls the OpenID Connect token and userinfo endpoints from its own server, with its
client credentials or a bearer token: no cookie, session, logged-in user, CSRF token, message,
page language or HTML page is involved. For the exact paths in settings.MACHINE_ENDPOINT_PATHS this
middleware hands the request to a second chain of only settings.MACHINE_ENDPOINT_MIDDLEWARE, built
by Django's own handler (view middleware, exception handling and the error pages work as
everywhere); every other request goes on through the rest of settings.MIDDLEWARE.

Everything before this middleware in settings.MIDDLEWARE (request id, HEAD, trusted proxy, Django's
SecurityMiddleware headers, the Content-Security-Policy) runs for these requests as for every
other; the short chain keeps the input limits (BadInputMiddleware: body size, NUL characters,
unreadable Basic credentials), CommonMiddleware and X-Frame-Options. What the skipped middleware
does, and why these endpoints do not need it:

- SessionMiddleware, AuthenticationMiddleware, LazyMessageMiddleware: the views never read
  `request.session`, `request.user` or messages (they do not exist on these requests).
- StaffSessionGuard, HomeAndPupilSessionGuard: they guard what a session cookie gives access to;
  these endpoints give nothing for a cookie.
- CsrfViewMiddleware: the views are `csrf_exempt` anyway. CSRF is a browser sending a cookie that
  authenticates it without the user's intent; here the client authenticates with credentials
  (Basic, client_secret_post, private_key_jwt, PKCE for a public client) or a bearer token that a
  browser never adds to a request by itself.
- ChosenLanguageMiddleware: the answers are protocol JSON (English error codes and descriptions);
  the default language is activated instead, so nothing depends on an earlier request's language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation


class _ShortChain(BaseHandler):
    """Django's request handling (resolving, view middleware, the view, exceptions) under the
    middleware `names`, built once when the outer chain is built."""

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        # BaseHandler reads the list from settings only; it is put there for this one call (at
        # start-up, while Django builds the outer chain) and put back at once.
        configured = settings.MIDDLEWARE
        settings.MIDDLEWARE = list(names)
        try:
            self.load_middleware()
        finally:
            settings.MIDDLEWARE = configured

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        # Django's public entry of a handler; what it repeats of the outer one (the URLconf, the
        # request's closing, the log line of an error: logged once) changes nothing.
        return self.get_response(request)


class MachineEndpointsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.paths = frozenset(settings.MACHINE_ENDPOINT_PATHS)
        self.short_chain = _ShortChain(settings.MACHINE_ENDPOINT_MIDDLEWARE)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info in self.paths:
            translation.activate(settings.LANGUAGE_CODE)
            return self.short_chain(request)
        return self.get_response(request)
