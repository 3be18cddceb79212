"""School account requests: the public form /aanvraag/ and the console's review
/beheer/aanvragen/ (approve, or refuse with a reason), and the signed PDFs."""

from __future__ import annotations

import math
import time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.models import Account
from klaspoort.audit.events import record_event
from klaspoort.core.ratelimit import Limiter, Rule
from klaspoort.core.uploads import accepts_upload
from klaspoort.operator import actions, documents
from klaspoort.operator.account_requests import RequestRefused, do_submit_request
from klaspoort.operator.forms import AccountRequestForm, RefuseForm
from klaspoort.operator.models import AccountRequest, ProcessingAgreement
from klaspoort.operator.permissions import operator_subject
from klaspoort.operator.views.guard import operator_required

# Sending the public form: from the 6th try of one client address within an hour, each next try
# waits 1, 2, 4 ... minutes (up to an hour). A refused try is not read: nothing is stored or mailed.
REQUEST_FORM_RULE = Rule("request-form:client", window=3600, delay_after=5, base_delay=60, max_delay=3600)


def _throttled(request: HttpRequest) -> int:
    """Minutes this client must still wait (0: go ahead, and this try is counted)."""
    limiter = Limiter(REQUEST_FORM_RULE)
    address = client_ip(request) or "unknown"
    wait = limiter.peek(address).wait(time.time())
    if wait > 0:
        return max(1, math.ceil(wait / 60))
    limiter.hit(address)
    return 0


@accepts_upload(lambda: documents.MAX_BYTES)
@csrf_protect
@require_http_methods(["GET", "POST"])
def request_form_view(request: HttpRequest) -> HttpResponse:
    minutes = _throttled(request) if request.method == "POST" else 0
    if minutes:
        message = ngettext(
            "Je hebt het formulier vaak verstuurd. Probeer het over %(minutes)d minuut opnieuw.",
            "Je hebt het formulier vaak verstuurd. Probeer het over %(minutes)d minuten opnieuw.",
            minutes,
        ) % {"minutes": minutes}
        context = {"form": AccountRequestForm(), "throttled": message}
        response = render(request, "operator/request_form.html", context, status=429)
        response["Retry-After"] = str(minutes * 60)
        return response
    form = AccountRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["signed_request"]
        data = upload.read(documents.MAX_BYTES + 1)
        try:
            do_submit_request(form.cleaned_data, data, client_ip=client_ip(request))
        except RequestRefused as refused:
            for field, message in refused.problems:
                form.add_error(field, message)
        else:
            return render(request, "operator/request_sent.html")
    return render(request, "operator/request_form.html", {"form": form}, status=400 if form.errors else 200)


@operator_required
def request_list_view(request: HttpRequest, operator: Account) -> HttpResponse:
    status = request.GET.get("status", AccountRequest.Status.PENDING)
    requests = AccountRequest.objects.filter(status=status).order_by("-created_at", "-id")
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "operator/request_list.html",
        {"page": page, "status": status, "statuses": AccountRequest.Status},
    )


@operator_required
def request_detail_view(request: HttpRequest, operator: Account, pk: int) -> HttpResponse:
    found = get_object_or_404(AccountRequest.objects.select_related("school"), pk=pk)
    decision = request.POST.get("decision") if request.method == "POST" else None
    form = RefuseForm(request.POST if decision == "refuse" else None)
    error = ""
    if decision is not None:
        try:
            if decision == "approve":
                school = actions.do_approve_request(operator, found)
                messages.success(
                    request,
                    _("%(school)s heeft een account; de ICT-coördinator krijgt een activatiemail.")
                    % {"school": school.name},
                )
                return HttpResponseRedirect(reverse("operator:school", args=[school.instelling_ref]))
            if decision == "refuse" and form.is_valid():
                actions.do_refuse_request(operator, found, form.cleaned_data["reason"])
                messages.info(request, _("De aanvraag is afgewezen; de bestuurder krijgt de reden per mail."))
                return HttpResponseRedirect(reverse("operator:requests"))
        except actions.RequestDecisionError as exc:
            error = str(exc)
    return render(
        request,
        "operator/request_detail.html",
        {"request_row": found, "form": form, "error": error},
        status=400 if error or form.errors else 200,
    )


@operator_required
def document_view(request: HttpRequest, operator: Account, name: str) -> HttpResponse | FileResponse:
    """A stored PDF, only for operators and only if a request or agreement refers to it."""
    known = (
        AccountRequest.objects.filter(document=name).exists()
        or ProcessingAgreement.objects.filter(document=name).exists()
    )
    path = documents.path_of(name) if known else None
    if path is None:
        raise Http404
    record_event("document.viewed", actor=operator_subject(operator), subject=f"document:{name}")
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")
