"""School account requests: the public form /aanvraag/ and the console's review
/beheer/aanvragen/ (approve, or refuse with a reason), and the signed PDFs."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.models import Account
from klaspoort.audit.events import record_event
from klaspoort.operator import actions, documents
from klaspoort.operator.account_requests import RequestRefused, do_submit_request
from klaspoort.operator.forms import AccountRequestForm, RefuseForm
from klaspoort.operator.models import AccountRequest, ProcessingAgreement
from klaspoort.operator.permissions import operator_subject
from klaspoort.operator.views.guard import operator_required


@csrf_protect
@require_http_methods(["GET", "POST"])
def request_form_view(request: HttpRequest) -> HttpResponse:
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
