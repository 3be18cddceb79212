"""Page language: Dutch, unless the person chose another language with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header; a Dutch school
platform shows Dutch by default (a teacher's English browser must not change what pupils and
colleagues are told), and English only after an explicit choice (the cookie set by `set_language`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def chosen_language(request: HttpRequest) -> str:
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    try:
        return translation.get_supported_language_variant(cookie) if cookie else settings.LANGUAGE_CODE
    except LookupError:
        return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
