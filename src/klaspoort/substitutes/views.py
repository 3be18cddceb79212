"""Substitute pages (C14), in the one staff layout:

    /klas/<group>/invaller/                         the group's slot: activate, the current one, history
    /klas/<group>/invaller/<substitution>/stoppen/  end early (asks for confirmation first)
    /schoolbeheer/invallers/                        coordinators: every group's slot and the history

Reached by clicking from the group overview and the Schoolbeheer page. Views are thin: the
permission is checked here (`can_arrange_substitute`, 403 otherwise) and again inside the actions.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from klaspoort.accounts.permissions import can_arrange_substitute
from klaspoort.accounts.pupils.queries import parse_ref
from klaspoort.classroom.access import StaffAccess, denied, staff_view
from klaspoort.core import clock
from klaspoort.roster.models import Group
from klaspoort.schooladmin.access import coordinator_view
from klaspoort.substitutes.actions import (
    NOT_ALLOWED,
    NotAllowed,
    SubstituteError,
    do_activate_substitute,
    do_end_substitute,
)
from klaspoort.substitutes.forms import ActivateForm
from klaspoort.substitutes.models import Substitution

HISTORY_ROWS = 50


def _group(access: StaffAccess, ref: str) -> Group | None:
    """A group in force at the staff member's school whose substitute this person may arrange."""
    parsed = parse_ref(ref)
    if parsed is None:
        return None
    group = (
        Group.objects.in_force()
        .filter(school_id=access.placement.school_id, uuid=parsed)
        .select_related("school", "school_year")
        .first()
    )
    if group is None or not can_arrange_substitute(access.placement, group):
        return None
    return group


def _history(substitutions: QuerySet[Substitution]) -> list[Substitution]:
    """The newest substitutions first (`Substitution.Meta.ordering`), at most `HISTORY_ROWS`."""
    return list(substitutions.select_related("group")[:HISTORY_ROWS])


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view
def slot(request: HttpRequest, access: StaffAccess, group: str) -> HttpResponse:
    found = _group(access, group)
    if found is None:
        return denied(request, NOT_ALLOWED)
    live = Substitution.objects.live().filter(group=found).select_related("placement__staff__account").first()
    form = ActivateForm(
        request.POST if request.method == "POST" else None, initial={"first_day": clock.today()}
    )
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            do_activate_substitute(
                found,
                by=access.placement,
                first_name=form.cleaned_data["first_name"],
                surname=form.cleaned_data["surname"],
                email=form.cleaned_data["email"],
                first_day=form.cleaned_data["first_day"],
                school_days=form.cleaned_data["school_days"],
                actor=access.actor,
            )
        except NotAllowed:
            return denied(request, NOT_ALLOWED)
        except SubstituteError as exc:
            error, status = str(exc), 400
        else:
            messages.success(request, _("De invaller is geregeld en krijgt een mail."))
            return HttpResponseRedirect(reverse("substitutes:slot", args=[found.uuid]))
    elif request.method == "POST":
        status = 400
    context = {
        "group": found,
        "live": live,
        "form": form,
        "error": error,
        "today": clock.today(),
        "history": _history(Substitution.objects.filter(group=found)),
    }
    return render(request, "substitutes/slot.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_view
def end(request: HttpRequest, access: StaffAccess, group: str, substitution: str) -> HttpResponse:
    found = _group(access, group)
    ref = parse_ref(substitution)
    target = (
        Substitution.objects.filter(group=found, uuid=ref).select_related("group").first()
        if found and ref
        else None
    )
    if found is None or target is None:
        return denied(request, NOT_ALLOWED)
    if request.method == "POST":
        try:
            ended = do_end_substitute(target, by=access.placement, actor=access.actor)
        except NotAllowed:
            return denied(request, NOT_ALLOWED)
        if ended:
            messages.success(request, _("De invaller is gestopt en is meteen afgemeld."))
        return HttpResponseRedirect(reverse("substitutes:slot", args=[found.uuid]))
    return render(request, "substitutes/end.html", {"group": found, "substitution": target})


@never_cache
@require_GET
@coordinator_view
def school_overview(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    school_id = access.placement.school_id
    groups = list(Group.objects.in_force().filter(school_id=school_id).order_by("kind", "year_group", "name"))
    live = {
        substitution.group_id: substitution
        for substitution in Substitution.objects.live().filter(group__school_id=school_id)
    }
    context = {
        "rows": [(group, live.get(group.pk)) for group in groups],
        "today": clock.today(),
        "history": _history(Substitution.objects.filter(group__school_id=school_id)),
    }
    return render(request, "substitutes/school.html", context)
