"""Live page fragments: pieces of shared pages that an upper app fills in per request (notices on
the login pages, the pupil shortcut and the portal), without the lower apps importing it.

    register(name, provider)              an app's ready(): provider(request, *args) -> safe HTML
    render(name, request, *args) -> str   what the template tag `{% fragment name args %}` shows
    marker(name, *args) -> str            placeholder in a page rendered once and served many times
    fill(page, request) -> str            put the fragments in place of their markers
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest
from django.utils.html import escape

Provider = Callable[..., str]
_providers: dict[str, Provider] = {}
_MARKER = re.compile(r"<!--kp-fragment:([a-z_]+):([a-z_]*)-->")


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def render(name: str, request: HttpRequest | None, *args: str) -> str:
    provider = _providers.get(name)
    return provider(request, *args) if provider is not None else ""


def marker(name: str, *args: str) -> str:
    return f"<!--kp-fragment:{escape(name)}:{escape(':'.join(args))}-->"


def fill(page: str, request: HttpRequest) -> str:
    if "<!--kp-fragment:" not in page:
        return page
    return _MARKER.sub(lambda match: render(match.group(1), request, *filter(None, [match.group(2)])), page)
