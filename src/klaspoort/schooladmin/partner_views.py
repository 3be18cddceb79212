"""/schoolbeheer/koppelingen/: the school's partners and consent (D1), and change receipts."""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from klaspoort.classroom.access import StaffAccess
from klaspoort.federation.models import ConsentChange, Partner
from klaspoort.schooladmin.access import coordinator_view
from klaspoort.schooladmin.consent import (
    Choice,
    ConsentRefused,
    StaleForm,
    do_set_partner_consent,
    history,
    partner_rows,
    receipt_document,
)


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def _page(request: HttpRequest, access: StaffAccess, *, error: str = "", status: int = 200) -> HttpResponse:
    school = access.placement.school
    context = {"school": school, "rows": partner_rows(school), "history": history(school), "error": error}
    return render(request, "schooladmin/partners.html", context, status=status)


def _confirm_withdrawal(request: HttpRequest, access: StaffAccess, partner: Partner) -> HttpResponse:
    context = {
        "partner": partner,
        "version": request.POST.get("version", ""),
        "school": access.placement.school,
    }
    return render(request, "schooladmin/partner_withdraw.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@coordinator_view
def partners(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    if request.method == "GET":
        return _page(request, access)
    partner_uuid = _uuid(request.POST.get("partner"))
    if partner_uuid is None:
        return _page(request, access, error=_("Kies een partner."), status=400)
    choice = Choice(
        on=request.POST.get("on") == "1",
        names=request.POST.get("names") == "1",
        eck_id=request.POST.get("eck_id") == "1",
    )
    if not choice.on and request.POST.get("confirmed") != "1":
        school = access.placement.school
        ticked = Partner.objects.filter(consents__school=school, consents__active=True)
        partner = ticked.filter(uuid=partner_uuid, active=True).first()
        if partner is not None:
            return _confirm_withdrawal(request, access, partner)
    try:
        change = do_set_partner_consent(
            access.placement, partner_uuid, choice, version=request.POST.get("version", "")
        )
    except StaleForm as exc:
        return _page(request, access, error=str(exc), status=409)
    except ConsentRefused as exc:
        return _page(request, access, error=str(exc), status=400)
    if change is None:
        messages.info(request, _("Er is niets veranderd."))
    elif change.action == ConsentChange.Action.WITHDRAW:
        messages.success(
            request,
            _("%(partner)s staat uit. Er gaan geen gegevens meer heen en de software is niet meer te openen.")
            % {"partner": change.partner.name},
        )
    else:
        messages.success(
            request,
            _("%(partner)s staat aan. De keuze is vastgelegd met bewijs %(receipt)s.")
            % {"partner": change.partner.name, "receipt": change.receipt},
        )
    return redirect("schooladmin:partners")


@never_cache
@require_GET
@coordinator_view
def receipt(request: HttpRequest, access: StaffAccess, receipt: str) -> HttpResponse:
    key = _uuid(receipt)
    school = access.placement.school
    change = (
        ConsentChange.objects.filter(receipt=key, school=school).select_related("partner").first()
        if key
        else None
    )
    if change is None:
        raise Http404
    body = json.dumps(receipt_document(change, school), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="klaspoort-toestemming-{change.receipt}.json"'
    return response
