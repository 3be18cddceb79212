"""Data-processing agreements (A3, F3): /beheer/overeenkomsten/ (record one, see them) and which
schools are covered (paginated, the same queries for any number of schools)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from klaspoort.accounts.models import Account
from klaspoort.core.uploads import accepts_upload
from klaspoort.operator import actions, documents
from klaspoort.operator.forms import AgreementForm, CoverageFilterForm
from klaspoort.operator.models import ProcessingAgreement, with_coverage
from klaspoort.operator.views.guard import operator_required
from klaspoort.registry.models import SchoolLocation


@accepts_upload(lambda: documents.MAX_BYTES)
@operator_required
def agreement_list_view(request: HttpRequest, operator: Account) -> HttpResponse:
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_agreement(
                operator,
                party=data["party"],
                signed_by=data["signed_by"],
                signed_on=data["signed_on"],
                version=data["version"],
                pdf=data["document"].read(documents.MAX_BYTES + 1),
            )
        except actions.AgreementError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("De overeenkomst is vastgelegd."))
            return HttpResponseRedirect(reverse("operator:agreements"))
    agreements = ProcessingAgreement.objects.select_related("board", "school").order_by("-signed_on", "-id")
    page = Paginator(agreements, 50).get_page(request.GET.get("page"))
    return render(
        request, "operator/agreements.html", {"form": form, "page": page}, status=400 if form.errors else 200
    )


@operator_required
def coverage_view(request: HttpRequest, operator: Account) -> HttpResponse:
    form = CoverageFilterForm(request.GET or None)
    uncovered = form.is_valid() and bool(form.cleaned_data["uncovered"])
    schools = with_coverage(
        SchoolLocation.objects.filter(active=True).select_related("board"), uncovered_only=uncovered
    ).order_by("name", "pk")
    page = Paginator(schools, 50).get_page(request.GET.get("page"))
    return render(request, "operator/coverage.html", {"form": form, "page": page})
