"""The official register in the console: /beheer/register/ (import, proposed code changes, schools
the register no longer lists, locations kept by hand)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klaspoort.accounts.models import Account
from klaspoort.core.uploads import accepts_upload
from klaspoort.operator import actions
from klaspoort.operator.forms import MAX_REGISTER_BYTES, CodeForm, ManualLocationForm, RegisterFileForm
from klaspoort.operator.views.guard import operator_required
from klaspoort.registry.actions import RegistrationError
from klaspoort.registry.models import CodeChange, RegisterImport, RegisterLocation, SchoolLocation
from klaspoort.registry.register_import import CodeChangeError


def _register_page(request: HttpRequest, form: RegisterFileForm, status: int = 200) -> HttpResponse:
    imports = Paginator(RegisterImport.objects.order_by("-started_at", "-id"), 20).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": imports,
        "changes": CodeChange.objects.filter(status=CodeChange.Status.PROPOSED)
        .select_related("school")
        .order_by("created_at", "pk")[:100],
        "gone": SchoolLocation.objects.filter(
            kind=SchoolLocation.Kind.REGISTER, register_gone_at__isnull=False
        )
        .select_related("board")
        .order_by("name", "pk")[:100],
        "locations": RegisterLocation.objects.filter(in_register=True).count(),
    }
    return render(request, "operator/register.html", context, status=status)


@accepts_upload(lambda: MAX_REGISTER_BYTES)
@operator_required
def register_view(request: HttpRequest, operator: Account) -> HttpResponse:
    if request.method != "POST":
        return _register_page(request, RegisterFileForm())
    form = RegisterFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _register_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    run = actions.do_import_register(operator, upload.read(), file_name=upload.name)
    return HttpResponseRedirect(reverse("operator:register_import", args=[run.pk]))


@operator_required
def register_import_view(request: HttpRequest, operator: Account, pk: int) -> HttpResponse:
    run = get_object_or_404(RegisterImport, pk=pk)
    return render(request, "operator/register_import.html", {"run": run}, status=200)


@operator_required
@require_POST
def code_change_view(request: HttpRequest, operator: Account, pk: int) -> HttpResponse:
    change = get_object_or_404(CodeChange.objects.select_related("school"), pk=pk)
    try:
        if request.POST.get("decision") == "confirm":
            actions.do_confirm_code_change(operator, change)
            messages.success(
                request,
                _("%(name)s heeft nu code %(code)s; INSTELLING_REF en accounts blijven gelijk.")
                % {"name": change.school.name, "code": change.new_code},
            )
        elif request.POST.get("decision") == "reject":
            actions.do_reject_code_change(operator, change)
            messages.info(request, _("De voorgestelde codewijziging is afgewezen."))
        else:
            raise Http404
    except CodeChangeError as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect(reverse("operator:register"))


@operator_required
def school_code_view(request: HttpRequest, operator: Account, ref: str) -> HttpResponse:
    """Map a school to its new code by hand (when the register's implied mapping is not unique)."""
    school = get_object_or_404(SchoolLocation, instelling_ref=ref)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_school_code(operator, school, form.cleaned_data["code"])
        except CodeChangeError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, _("De schoolcode is gewijzigd."))
            return HttpResponseRedirect(reverse("operator:school", args=[school.instelling_ref]))
    return render(
        request,
        "operator/school_code.html",
        {"form": form, "school": school},
        status=400 if form.errors else 200,
    )


@operator_required
def manual_location_view(request: HttpRequest, operator: Account) -> HttpResponse:
    form = ManualLocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            school = actions.do_add_manual_location(operator, **form.cleaned_data)
        except RegistrationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s is toegevoegd.") % {"name": school.name})
            return HttpResponseRedirect(reverse("operator:school", args=[school.instelling_ref]))
    return render(
        request, "operator/manual_location.html", {"form": form}, status=400 if form.errors else 200
    )
