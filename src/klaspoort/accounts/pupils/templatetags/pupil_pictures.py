from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from klaspoort.accounts.pupils.pictures import (
    identity_picture,
    password_picture,
    render_identity,
    render_password,
)

register = template.Library()


@register.simple_tag
def identity_svg(key: str, css_class: str = "picture") -> SafeString:
    return render_identity(key, css_class)


@register.simple_tag
def password_svg(key: str, css_class: str = "picture") -> SafeString:
    return render_password(key, css_class)


@register.filter
def identity_name(key: str) -> str:
    picture = identity_picture(key)
    return picture.name if picture else ""


@register.filter
def password_name(key: str) -> str:
    picture = password_picture(key)
    return picture.name if picture else ""
