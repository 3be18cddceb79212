"""One confirmation step for destructive staff actions (a new pupil code, removing a role, …),
served by the server, so it works without JavaScript:

    if request.POST.get(CONFIRMED) != "1":
        return confirmation(request, title=…, explanation=[…], fields={…}, yes=…, back=…)

The page (templates/staff/confirm.html, in the one staff layout) posts the same fields again with
`confirmed=1` to the same address; "no" is a plain link back. All texts come translated from the
caller. The action itself still checks permission when the confirmed POST arrives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONFIRMED = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "1"


def confirmation(
    request: HttpRequest,
    *,
    title: StrOrPromise,
    explanation: Sequence[StrOrPromise],
    fields: Mapping[str, str],
    yes: StrOrPromise,
    back: str,
    no: StrOrPromise | None = None,
) -> HttpResponse:
    context = {
        "title": title,
        "explanation": explanation,
        "fields": sorted(fields.items()),
        "yes": yes,
        "no": no or _("Nee, terug"),
        "back": back,
        "action": request.path,
    }
    return render(request, "staff/confirm.html", context)
