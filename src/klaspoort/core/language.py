"""Page language: the visitor's choice, else the browser's, else Dutch.

A choice made with the language switch (`set_language`, on every page) is kept in a cookie and wins
over everything. Without a choice the browser's Accept-Language decides between the offered
languages; anything else, including an unknown language code in the cookie or the header, is Dutch.
Unlike Django's LocaleMiddleware, no language prefix in URLs and no session are used.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

OFFERED = frozenset(code for code, _ in settings.LANGUAGES)


def supported(code: str) -> str | None:
    """The offered language for `code` ("en-GB" → "en"), or None."""
    if not code or len(code) > 32:
        return None
    try:
        found = translation.get_supported_language_variant(code.lower())
    except LookupError:
        return None
    return found if found in OFFERED else None


def chosen_language(request: HttpRequest) -> str:
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie is not None:
        return supported(cookie) or settings.LANGUAGE_CODE
    header = request.headers.get("Accept-Language", "")
    for code, _quality in parse_accept_lang_header(header[:512]):
        if code == "*":
            break
        language = supported(code)
        if language:
            return language
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """What LocaleMiddleware does for a site without language prefixes in its URLs (it looks
        for one on every response)."""
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
