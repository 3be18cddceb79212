"""`{% fragment "notices" "staff" %}`: a live fragment (core.fragments); in a page that is rendered
once and served many times (context `fragment_markers`), a marker that `fragments.fill` replaces."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from klaspoort.core import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def fragment(context: Any, name: str, *args: str) -> SafeString:
    if context.get("fragment_markers"):
        return mark_safe(fragments.marker(name, *args))
    return mark_safe(fragments.render(name, context.get("request"), *args))
