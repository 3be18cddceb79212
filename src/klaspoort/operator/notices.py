"""Notices (F1) on the login pages, the pupil shortcut and the portal while in force.

The notices in force are read once per worker every CACHE_SECONDS (they are on the hottest pages);
a notice posted or ended here is seen at once by this worker and within CACHE_SECONDS by the others.

    in_force_now() -> list[Notice]
    for_page(audience, *, school_ref=None) -> list[Notice]    audience "staff" | "pupils" | "parents"
    render_notices(request, audience, school_ref="") -> str   the fragment (core.fragments "notices")
"""

from __future__ import annotations

import time
import uuid

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import get_language

from klaspoort.accounts.principal import current_principal
from klaspoort.core import fragments
from klaspoort.federation.models import Consent
from klaspoort.operator.models import Notice

CACHE_SECONDS = 15
_cached: tuple[float, list[Notice]] = (0.0, [])


def forget() -> None:
    global _cached
    _cached = (0.0, [])


def in_force_now() -> list[Notice]:
    global _cached
    loaded_at, notices = _cached
    if time.monotonic() - loaded_at > CACHE_SECONDS:
        notices = list(
            Notice.objects.in_force().select_related("partner").order_by("-severity", "-starts_at")
        )
        _cached = (time.monotonic(), notices)
    return notices


def for_page(audience: str, *, school_ref: uuid.UUID | None = None) -> list[Notice]:
    """Notices for this audience. One partner's notice shows where the school selected that partner;
    where the school is not known (login pages) it shows with the partner's name."""
    chosen = [n for n in in_force_now() if n.audience in (Notice.Audience.EVERYONE, audience)]
    partner_ids = {n.partner_id for n in chosen if n.partner_id}
    if partner_ids and school_ref is not None:
        selected = set(
            Consent.objects.filter(
                school__instelling_ref=school_ref, partner_id__in=partner_ids, active=True
            ).values_list("partner_id", flat=True)
        )
        chosen = [n for n in chosen if n.partner_id is None or n.partner_id in selected]
    return chosen


def render_notices(request: HttpRequest | None, audience: str, school_ref: str = "") -> str:
    ref: uuid.UUID | None = None
    try:
        ref = uuid.UUID(school_ref) if school_ref else None
    except ValueError:
        ref = None
    if ref is None and request is not None:
        principal = current_principal(request)
        ref = principal.school if principal is not None else None
    notices = for_page(audience, school_ref=ref)
    if not notices:
        return ""
    language = get_language() or "nl"
    shown = [(n, n.title(language), n.body(language)) for n in notices]
    return render_to_string("operator/_notices.html", {"notices": shown})


def register_fragment() -> None:
    fragments.register("notices", render_notices)
