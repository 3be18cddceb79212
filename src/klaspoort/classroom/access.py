"""Who is the staff member behind a teacher-screen request (staff pages only, C12)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from klaspoort.accounts.header import remember_staff
from klaspoort.accounts.permissions import staff_placement_for
from klaspoort.accounts.principal import Principal, current_principal
from klaspoort.roster.models import StaffPlacement

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class StaffAccess:
    principal: Principal
    placement: StaffPlacement

    @property
    def actor(self) -> str:
        return f"staff:{self.principal.person}"


class NoStaffAccess(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__("no staff access")
        self.response = response


def denied(request: HttpRequest, message: StrOrPromise, *, status: int = 403) -> HttpResponse:
    return render(request, "classroom/denied.html", {"message": message}, status=status)


def staff_access(request: HttpRequest) -> StaffAccess:
    """The signed-in staff member's active placement, or NoStaffAccess carrying the response."""
    principal = current_principal(request)
    if principal is None:
        raise NoStaffAccess(redirect_to_login(request.get_full_path(), settings.LOGIN_URL))
    if principal.kind != "staff" or principal.context != "school":
        raise NoStaffAccess(denied(request, _("Deze pagina is alleen voor medewerkers van de school.")))
    placement = staff_placement_for(principal)
    if placement is None:
        raise NoStaffAccess(denied(request, _("Je hebt (nu) geen toegang tot deze school.")))
    remember_staff(request, principal, placement)
    return StaffAccess(principal, placement)


StaffView = Callable[..., HttpResponse]


def staff_view(view: StaffView) -> Callable[..., HttpResponse]:
    """Decorator: call `view(request, access, ...)` for staff; others get the login page or a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            access = staff_access(request)
        except NoStaffAccess as refusal:
            return refusal.response
        return view(request, access, *args, **kwargs)

    return wrapper
