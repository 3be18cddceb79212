"""The source platform's deep link after a pupil's shortcut login (`TARGET=`): when the target is a
licensed product's launch URL or a ticked SAML app's ACS URL, the portal launches it. Registered
with the pupil login's target handlers (`accounts.pupils.targets`) by `PortalConfig.ready`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from klaspoort.accounts.principal import current_principal
from klaspoort.portal.actions import do_launch_target
from klaspoort.portal.launch import Go
from klaspoort.portal.views.launch import respond


def launch_target_after_login(request: HttpRequest, target: str) -> HttpResponse | None:
    """A launch for a known target; None leaves the target to the pupil login (it never redirects
    to an unknown one)."""
    principal = current_principal(request)
    if principal is None:
        return None
    outcome = do_launch_target(principal, target)
    return respond(request, outcome) if isinstance(outcome, Go) else None
