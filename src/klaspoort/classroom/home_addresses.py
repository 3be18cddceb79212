"""The teacher's home-login actions for one pupil (C6, C7; accounts.home), from the group overview:

    /klas/<group>/leerlingen/<pupil>/thuis             edit the (up to two) home addresses
    /klas/<group>/leerlingen/<pupil>/thuis/opnieuw     send a new activation link to one address

Only for staff who may see the group (own groups; school-wide roles such as the coordinator: all);
anyone else gets 403 and nothing changes.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from klaspoort.accounts.errors import AccountError
from klaspoort.accounts.home.actions import AddressChange, do_send_home_activation, do_set_home_addresses
from klaspoort.accounts.home.addresses import AddressError
from klaspoort.accounts.home.models import MAX_ADDRESSES, HomeAddress
from klaspoort.accounts.home.state import home_login_states
from klaspoort.classroom.access import StaffAccess, denied, staff_view
from klaspoort.classroom.lookups import pupil_in_visible_group
from klaspoort.classroom.pupil_views import NOT_YOURS
from klaspoort.roster.models import PupilMembership


def _back(membership: PupilMembership) -> HttpResponse:
    overview = reverse("classroom:group", args=[membership.group.uuid])
    return redirect(f"{overview}#pupil-{membership.pupil.uuid}")


def _report(request: HttpRequest, change: AddressChange, name: str) -> None:
    if not change.plan.changed:
        messages.info(request, _("Er is niets veranderd aan de thuisadressen van %(name)s.") % {"name": name})
        return
    messages.success(request, _("De thuisadressen van %(name)s zijn opgeslagen.") % {"name": name})
    if change.mails_sent:
        messages.info(request, _("Elk nieuw adres krijgt een mail met een link om een wachtwoord te maken."))


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view
def addresses_view(request: HttpRequest, access: StaffAccess, group: str, pupil: str) -> HttpResponse:
    membership = pupil_in_visible_group(access, group, pupil)
    if membership is None:
        return denied(request, NOT_YOURS)
    child = membership.pupil
    home = home_login_states([child.pk])[child.pk]
    values = [address.email if (address := home.at(p)) else "" for p in range(1, MAX_ADDRESSES + 1)]
    error = ""
    if request.method == "POST":
        values = [request.POST.get(f"email{p}", "")[:300] for p in range(1, MAX_ADDRESSES + 1)]
        try:
            change = do_set_home_addresses(child, values, actor=access.placement)
        except AddressError as exc:
            error = str(exc)
        else:
            _report(request, change, child.first_name)
            return _back(membership)
    context = {
        "pupil": child,
        "group": membership.group,
        "home": home,
        "values": values,
        "error": error,
    }
    return render(request, "classroom/home_addresses.html", context, status=400 if error else 200)


@require_POST
@staff_view
def resend_view(request: HttpRequest, access: StaffAccess, group: str, pupil: str) -> HttpResponse:
    membership = pupil_in_visible_group(access, group, pupil)
    if membership is None:
        return denied(request, NOT_YOURS)
    try:
        ref = uuid.UUID(request.POST.get("address", ""))
    except ValueError:
        ref = None
    address = (
        HomeAddress.objects.filter(pupil=membership.pupil, uuid=ref).select_related("account").first()
        if ref
        else None
    )
    if address is None:
        messages.error(request, _("Dit thuisadres bestaat niet (meer)."))
        return _back(membership)
    address.pupil = membership.pupil
    try:
        do_send_home_activation(address, actor=access.placement)
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Er is een nieuwe link gestuurd naar %(email)s.") % {"email": address.email}
        )
    return _back(membership)
