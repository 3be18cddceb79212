"""Console start page and school look-up: /beheer/, /beheer/scholen/, /beheer/scholen/<ref>/."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from klaspoort.accounts.models import Account
from klaspoort.accounts.pupils.queries import parse_ref
from klaspoort.operator import actions
from klaspoort.operator.forms import SchoolSearchForm
from klaspoort.operator.lookup import school_overview, schools_page
from klaspoort.operator.views.guard import operator_required
from klaspoort.registry.models import SchoolLocation


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


@operator_required
def close_school_view(request: HttpRequest, operator: Account, ref: str) -> HttpResponse:
    parsed = parse_ref(ref)
    school = SchoolLocation.objects.filter(instelling_ref=parsed).first() if parsed else None
    if school is None:
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            ended = actions.do_close_school(operator, school)
        except actions.ClosingRefused as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("%(name)s is gesloten; %(count)d sessies zijn beëindigd.")
                % {"name": school.name, "count": ended},
            )
            return HttpResponseRedirect(reverse("operator:school", args=[school.instelling_ref]))
    context = {"school": school, "problems": actions.closing_problems(school), "error": error}
    return render(request, "operator/close_school.html", context, status=400 if error else 200)
