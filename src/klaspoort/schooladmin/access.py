"""Coordinator pages of the school console: `coordinator_view` lets only the school's ICT
coordinators in; everyone else signed in gets a 403 page (and changes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy

from klaspoort.accounts.permissions import is_coordinator
from klaspoort.classroom.access import NoStaffAccess, StaffAccess, denied, staff_access

ONLY_COORDINATORS = gettext_lazy("Alleen de ICT-coördinator van de school kan deze pagina gebruiken.")


def coordinator_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator: call `view(request, access, ...)` for the school's coordinators only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            access: StaffAccess = staff_access(request)
        except NoStaffAccess as refusal:
            return refusal.response
        if not is_coordinator(access.placement):
            return denied(request, ONLY_COORDINATORS)
        return view(request, access, *args, **kwargs)

    return wrapper
