"""The "Leerlinggegevens" pages of the school console: /schoolbeheer/leerlinggegevens/…

Upload (EDEXML or CSV) → preview of the plan → apply with confirmation; the history of every run
with its report; the school year's start day and the staged next year. Coordinators only (a 403
for everyone else, before the upload is read). Views parse, call one action of
`schooladmin.roster_actions`, render.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klaspoort.accounts.permissions import is_coordinator
from klaspoort.classroom.access import StaffAccess, denied, staff_view
from klaspoort.core import clock
from klaspoort.core.codes import school_year_label
from klaspoort.core.uploads import accepts_upload, announced_size, announced_too_big, read_form
from klaspoort.roster.csvimport import template_csv
from klaspoort.roster.edexml.reader import default_max_bytes
from klaspoort.roster.importing.report import rendered
from klaspoort.roster.models import ImportRun, StaffMember, StagedYear
from klaspoort.roster.schoolyears import start_dates, year_in_force
from klaspoort.schooladmin import roster_actions
from klaspoort.schooladmin.roster_actions import RosterActionError
from klaspoort.schooladmin.roster_display import SOURCE_LABELS, STATUS_LABELS, display, staged_difference

HISTORY_PAGE = 25
FORMATS = ("auto", "edexml", "csv")


def coordinator_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`staff_view` for the school's ICT coordinator only: everyone else gets a 403 before
    anything of the request body is read."""

    @wraps(view)
    def wrapper(request: HttpRequest, access: StaffAccess, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_coordinator(access.placement):
            return denied(request, _("Alleen de ICT-coördinator kan leerlinggegevens inlezen."))
        return view(request, access, *args, **kwargs)

    return staff_view(wrapper)


def _format_of(choice: str, name: str, data: bytes) -> str:
    if choice in {"edexml", "csv"}:
        return choice
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "edexml" if head.startswith(b"<") or name.lower().endswith(".xml") else "csv"


def _school_years(access: StaffAccess) -> dict[str, Any]:
    school = access.placement.school
    in_force = year_in_force(school)
    nxt = in_force + 1
    starts = start_dates(school, [in_force, nxt])
    staged = (
        StagedYear.objects.filter(school=school, school_year__start_year=nxt, applied_at__isnull=True)
        .select_related("run")
        .first()
    )
    return {
        "in_force_label": school_year_label(in_force),
        "next_label": school_year_label(nxt),
        "next_year": nxt,
        "next_start": starts[nxt],
        "start_changeable": starts[nxt] > clock.today(),
        "staged": staged,
    }


def _label_runs(runs: list[ImportRun]) -> list[ImportRun]:
    """Give each run `actor_label`, `source_label` and `status_label` (one query for the names)."""
    people = {run.actor.removeprefix("staff:") for run in runs if run.actor.startswith("staff:")}
    names = {
        str(person): " ".join(part for part in (first, infix, surname) if part)
        for person, first, infix, surname in StaffMember.objects.filter(uuid__in=people).values_list(
            "uuid", "first_name", "infix", "surname"
        )
    } if people else {}  # fmt: skip
    for run in runs:
        person = run.actor.removeprefix("staff:")
        run.actor_label = names.get(person) or (  # type: ignore[attr-defined]
            _("automatisch") if run.actor.startswith("system:") else run.actor
        )
        run.source_label = SOURCE_LABELS.get(run.source, run.source)  # type: ignore[attr-defined]
        run.status_label = STATUS_LABELS.get(run.status, run.status)  # type: ignore[attr-defined]
    return runs


def _page(request: HttpRequest, access: StaffAccess, *, status: int = 200, **extra: Any) -> HttpResponse:
    runs = ImportRun.objects.filter(school=access.placement.school).order_by("-started_at", "-id")
    page = Paginator(runs, HISTORY_PAGE).get_page(request.GET.get("pagina"))
    page.object_list = _label_runs(list(page.object_list))
    refused = extra.get("refused")
    if refused is not None:
        extra["refused_report"] = display(refused.report)
    context = {
        "access": access,
        "is_coordinator": True,
        "school": access.placement.school,
        "runs": page,
        "max_mb": default_max_bytes() // (1024 * 1024),
        **_school_years(access),
        **extra,
    }
    return render(request, "schooladmin/roster/index.html", context, status=status)


@accepts_upload(default_max_bytes, refuses_itself=True)  # the middlewares leave the body unread
@csrf_exempt  # checked below, once the upload handlers are in place (the body is read then)
@never_cache
@require_http_methods(["GET", "POST"])
@coordinator_view
def roster_page(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    if request.method == "POST":
        limit = default_max_bytes()
        if announced_too_big(request, limit):
            return _too_big(request, access, announced_size(request))
        read_form(request, limit)
    return _upload(request, access)


def _too_big(request: HttpRequest, access: StaffAccess, size: int) -> HttpResponse:
    """Refused unread. Recorded only for a request from our own pages (the CSRF token is in the
    body that is not read; browsers send Sec-Fetch-Site with every POST)."""
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        outcome, _prepared = roster_actions.do_preview_upload(
            access, b"", file_name="", file_format="edexml", file_size=size
        )
        return _page(request, access, status=413, refused=outcome.run)
    return _page(request, access, status=413, refused=None, too_big=True)


@csrf_protect
def _upload(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    if request.method != "POST":
        return _page(request, access)
    handler = next((h for h in request.upload_handlers if hasattr(h, "exceeded")), None)
    upload = request.FILES.get("bestand")
    if handler is not None and getattr(handler, "exceeded", False):
        outcome, _prepared = roster_actions.do_preview_upload(
            access, b"", file_name="", file_format="edexml", file_size=default_max_bytes() + 1
        )
        return _page(request, access, status=413, refused=outcome.run)
    if upload is None:
        return _page(request, access, status=400, error=_("Kies eerst een bestand."))
    data = upload.read(default_max_bytes() + 1)
    name = (upload.name or "")[:255]
    file_format = _format_of(request.POST.get("formaat", "auto"), name, data)
    outcome, prepared = roster_actions.do_preview_upload(
        access, data, file_name=name, file_format=file_format, file_size=upload.size
    )
    if prepared is None:
        return _page(request, access, status=400, refused=outcome.run)
    return redirect("schooladmin:roster_preview", prepared_id=prepared.pk)


@never_cache
@require_http_methods(["GET", "POST"])
@coordinator_view
def preview(request: HttpRequest, access: StaffAccess, prepared_id: int) -> HttpResponse:
    error = ""
    try:
        if request.method == "POST":
            try:
                outcome = roster_actions.do_apply_prepared(
                    access,
                    prepared_id,
                    confirmed=request.POST.get("bevestig") == "1",
                    removal_confirmed=request.POST.get("aantal_verwijderd", ""),
                )
            except RosterActionError as exc:
                error = str(exc)
            else:
                if outcome.ok:
                    messages.success(request, _("De import is verwerkt."))
                else:
                    messages.error(request, _("De import is niet doorgevoerd; er is niets veranderd."))
                assert outcome.run is not None
                return redirect("schooladmin:roster_run", run_id=outcome.run.pk)
        prepared = roster_actions.prepared_for(access, prepared_id)
    except PermissionDenied as exc:
        return denied(request, str(exc))
    except RosterActionError as exc:
        return _page(request, access, status=404, error=str(exc))
    report = display(prepared.run.report)
    replaces = _staged_plan_replaced(access, report)
    context = {
        "access": access,
        "is_coordinator": True,
        "school": access.placement.school,
        "prepared": prepared,
        "run": prepared.run,
        "report": report,
        "replaces": replaces,
        "difference": staged_difference(replaces.run.report, prepared.run.report) if replaces else [],
        "error": error,
    }
    return render(request, "schooladmin/roster/preview.html", context, status=400 if error else 200)


def _staged_plan_replaced(access: StaffAccess, report: dict[str, Any]) -> StagedYear | None:
    """The staged plan a previewed file for a later school year replaces (its plan is the difference
    with that one), or None."""
    if report.get("effective_on") is None or not report.get("school_year"):
        return None
    start_year = int(str(report["school_year"])[:4])
    return (
        StagedYear.objects.filter(
            school=access.placement.school, school_year__start_year=start_year, applied_at__isnull=True
        )
        .select_related("run")
        .first()
    )


def _run_of(access: StaffAccess, run_id: int) -> ImportRun:
    run = ImportRun.objects.filter(pk=run_id).select_related("school").first()
    if run is None:
        raise Http404
    if run.school_id != access.placement.school_id:
        raise PermissionDenied
    return run


@never_cache
@require_GET
@coordinator_view
def run_report(request: HttpRequest, access: StaffAccess, run_id: int) -> HttpResponse:
    try:
        run = _label_runs([_run_of(access, run_id)])[0]
    except PermissionDenied:
        return denied(request, _("Dit rapport hoort bij een andere school."))
    context = {"access": access, "is_coordinator": True, "school": access.placement.school, "run": run,
               "report": display(run.report)}  # fmt: skip
    return render(request, "schooladmin/roster/run.html", context)


@never_cache
@require_GET
@coordinator_view
def run_download(request: HttpRequest, access: StaffAccess, run_id: int) -> HttpResponse:
    try:
        run = _run_of(access, run_id)
    except PermissionDenied:
        return denied(request, _("Dit rapport hoort bij een andere school."))
    report = {**rendered(run.report), "run": run.pk, "source": run.source, "actor": run.actor,
              "started_at": timezone.localtime(run.started_at).isoformat(), "duration_ms": run.duration_ms,
              "file_name": run.file_name, "file_sha256": run.file_sha256}  # fmt: skip
    response = HttpResponse(json.dumps(report, ensure_ascii=False, indent=2), content_type="application/json")
    stamp = timezone.localtime(run.started_at).strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="import-{run.school.code}-{stamp}-{run.pk}.json"'
    return response


@require_GET
@coordinator_view
def csv_template(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    school = access.placement.school
    year = year_in_force(school)
    data = template_csv(
        brin=school.brin, location_code=school.location_code, school_year=school_year_label(year)
    )
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leerlinggegevens-{school.code}.csv"'
    return response


@require_POST
@coordinator_view
def set_start(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    try:
        year = int(request.POST.get("schooljaar", ""))
        day = dt.date.fromisoformat(request.POST.get("begindatum", ""))
    except ValueError:
        return _page(request, access, status=400, error=_("Vul een geldige datum in."))
    try:
        roster_actions.do_set_school_year_start(access, year, day)
    except RosterActionError as exc:
        return _page(request, access, status=400, error=str(exc))
    messages.success(request, _("De begindatum is opgeslagen."))
    return redirect("schooladmin:roster")
