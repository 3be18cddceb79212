"""Console start page and school look-up: /beheer/, /beheer/scholen/, /beheer/scholen/<ref>/."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from klaspoort.accounts.models import Account
from klaspoort.accounts.pupils.queries import parse_ref
from klaspoort.operator.forms import SchoolSearchForm
from klaspoort.operator.lookup import school_overview, schools_page
from klaspoort.operator.views.guard import operator_required


@operator_required
def home_view(request: HttpRequest, operator: Account) -> HttpResponse:
    return render(request, "operator/home.html", {"operator": operator})


@operator_required
def school_list_view(request: HttpRequest, operator: Account) -> HttpResponse:
    form = SchoolSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = schools_page(query, request.GET.get("page"))
    return render(request, "operator/school_list.html", {"form": form, "page": page, "query": query})


@operator_required
def school_detail_view(request: HttpRequest, operator: Account, ref: str) -> HttpResponse:
    parsed = parse_ref(ref)
    overview = school_overview(parsed) if parsed else None
    if overview is None:
        raise Http404
    return render(request, "operator/school_detail.html", {"overview": overview, "school": overview.school})
