"""Mergers and splits in the console (A8): /beheer/herindeling/ (the list), .../samenvoegen/ and
.../splitsen/ (form -> preview of who goes where -> confirm), .../<pk>/annuleren/ (a planned one
cancelled after a confirmation page). The work is done by the actions."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from klaspoort.accounts.models import Account
from klaspoort.operator import actions
from klaspoort.operator.forms import MergerForm, SplitForm
from klaspoort.operator.models import Reorganisation
from klaspoort.operator.reorganisations import (
    Part,
    Preview,
    ReorganisationRefused,
    in_force_groups,
    preview_merger,
    preview_split,
)
from klaspoort.operator.views.guard import operator_required
from klaspoort.registry.actions import find_school
from klaspoort.registry.models import SchoolLocation

PAGE_SIZE = 50


@operator_required
def reorganisation_list_view(request: HttpRequest, operator: Account) -> HttpResponse:
    page = Paginator(Reorganisation.objects.order_by("-effective_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "operator/reorganisations.html", {"page": page})


@operator_required
def cancel_view(request: HttpRequest, operator: Account, pk: int) -> HttpResponse:
    """GET: what would be cancelled, and the button that confirms it; POST: cancel it."""
    reorganisation = get_object_or_404(Reorganisation, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            actions.do_cancel_reorganisation(operator, reorganisation)
        except actions.CancelRefused as exc:
            error = str(exc)
        else:
            messages.success(request, _("De herindeling is geannuleerd."))
            return HttpResponseRedirect(reverse("operator:reorganisations"))
    return render(
        request,
        "operator/cancel_reorganisation.html",
        {"item": reorganisation, "error": error},
        status=400 if error else 200,
    )


def _finish(request: HttpRequest, preview: Preview, run: object) -> HttpResponse | list[str]:
    """Carry out or plan (`run` calls the action); a redirect, or the refusal's problems."""
    try:
        done = run()  # type: ignore[operator]
    except ReorganisationRefused as exc:
        return exc.problems
    if done.status == Reorganisation.Status.DONE:
        messages.success(request, _("De herindeling is uitgevoerd."))
    else:
        messages.success(
            request, _("De herindeling is gepland op %(day)s.") % {"day": done.effective_on.isoformat()}
        )
    return HttpResponseRedirect(reverse("operator:reorganisations"))


@operator_required
def merger_view(request: HttpRequest, operator: Account) -> HttpResponse:
    form = MergerForm(request.POST or None)
    preview, problems = None, []
    if request.method == "POST" and form.is_valid():
        codes = form.source_codes()
        sources = [find_school(code) for code in codes]
        unknown = [code for code, school in zip(codes, sources, strict=True) if school is None]
        found = [school for school in sources if school is not None]
        preview = preview_merger(found, code=form.cleaned_data["code"], name=form.cleaned_data["name"])
        problems = [
            _("Onbekende schoolcode: %(code)s.") % {"code": code} for code in unknown
        ] + preview.problems
        if not problems and "confirm" in request.POST:
            outcome = _finish(
                request,
                preview,
                lambda: actions.do_merge_schools(
                    operator,
                    found,
                    code=form.cleaned_data["code"],
                    name=form.cleaned_data["name"],
                    effective_on=form.cleaned_data["effective_on"],
                ),
            )
            if isinstance(outcome, HttpResponse):
                return outcome
            problems = outcome
    context = {"form": form, "preview": preview, "problems": problems, "kind": "merger"}
    status = 400 if form.errors or problems else 200
    return render(request, "operator/reorganisation_form.html", context, status=status)


def _parts(request: HttpRequest, form: SplitForm, groups: list[uuid.UUID]) -> list[Part]:
    chosen: dict[int, list[uuid.UUID]] = {1: [], 2: [], 3: []}
    for group_uuid in groups:
        value = request.POST.get(f"group-{group_uuid}", "")
        if value in ("1", "2", "3"):
            chosen[int(value)].append(group_uuid)
    data = form.cleaned_data
    return [
        Part(data[f"code_{n}"], data[f"name_{n}"], tuple(chosen[n]))
        for n in (1, 2, 3)
        if data[f"code_{n}"] or data[f"name_{n}"] or chosen[n]
    ]


@operator_required
def split_view(request: HttpRequest, operator: Account) -> HttpResponse:
    form = SplitForm(request.POST or None)
    preview, problems, school, groups = None, [], None, []
    if request.method == "POST" and form.is_valid():
        school = find_school(form.cleaned_data["school"])
        if school is None:
            problems = [_("Onbekende schoolcode: %(code)s.") % {"code": form.cleaned_data["school"]}]
        else:
            groups = in_force_groups(school)
            parts = _parts(request, form, [group.uuid for group in groups])
            preview = preview_split(school, parts)
            problems = preview.problems
            if not problems and "confirm" in request.POST:
                found: SchoolLocation = school
                outcome = _finish(
                    request,
                    preview,
                    lambda: actions.do_split_school(
                        operator, found, parts, effective_on=form.cleaned_data["effective_on"]
                    ),
                )
                if isinstance(outcome, HttpResponse):
                    return outcome
                problems = outcome
    chosen = {str(g.uuid): request.POST.get(f"group-{g.uuid}", "") for g in groups}
    context = {
        "form": form,
        "preview": preview,
        "problems": problems,
        "kind": "split",
        "groups": [(g, chosen[str(g.uuid)]) for g in groups],
    }
    status = 400 if form.errors or problems else 200
    return render(request, "operator/reorganisation_form.html", context, status=status)
