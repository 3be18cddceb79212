"""Partners in the console: /beheer/partners/ (list), .../nieuw/ (register from the add-partner
JSON), .../<slug>/ (the partner, its apps, edit), .../apps/<slug>/geheim/ (a new client secret, shown
once) and .../<slug>/verstrekkingen/ (the disclosure log with filters, and as CSV)."""

from __future__ import annotations

import csv
import io
import json

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from klaspoort.accounts.models import Account
from klaspoort.federation.actions import needs_client_secret
from klaspoort.federation.models import Disclosure, Partner, PartnerApp
from klaspoort.federation.partner_spec import PartnerSpecError
from klaspoort.operator import actions
from klaspoort.operator.partners import (
    PAGE_SIZE,
    DisclosureFilters,
    disclosure_rows,
    disclosures,
    partners_page,
    registration_json,
)
from klaspoort.operator.views.guard import operator_required


class RegistrationForm(forms.Form):
    registration = forms.CharField(
        label=gettext_lazy("Registratie van de partner (JSON, zoals voor klaspoort add-partner)"),
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        max_length=100_000,
    )


class DisclosureFilterForm(forms.Form):
    app = forms.CharField(label=gettext_lazy("App (slug)"), max_length=64, required=False)
    school = forms.CharField(label=gettext_lazy("Schoolcode"), max_length=6, required=False)
    board = forms.CharField(label=gettext_lazy("Bestuursnummer"), max_length=5, required=False)
    purpose = forms.ChoiceField(
        label=gettext_lazy("Doel"), choices=[("", "-"), *Disclosure.Purpose.choices], required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Wie"),
        choices=[("", "-"), ("pupil", gettext_lazy("leerling")), ("staff", gettext_lazy("medewerker"))],
        required=False,
    )
    since = forms.DateField(
        label=gettext_lazy("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@operator_required
def partner_list_view(request: HttpRequest, operator: Account) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    return render(
        request,
        "operator/partners.html",
        {"page": partners_page(query, request.GET.get("page")), "query": query},
    )


def _register(request: HttpRequest, operator: Account, form: RegistrationForm) -> HttpResponse | None:
    try:
        data = json.loads(form.cleaned_data["registration"])
    except json.JSONDecodeError as exc:
        form.add_error("registration", _("Dit is geen geldige JSON: %(exc)s.") % {"exc": exc})
        return None
    try:
        result = actions.do_register_partner(operator, data)
    except PartnerSpecError as exc:
        for problem in exc.problems:
            form.add_error("registration", problem)
        return None
    return render(request, "operator/partner_saved.html", {"result": result, "partner": result.partner})


@operator_required
def partner_new_view(request: HttpRequest, operator: Account) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = _register(request, operator, form)
        if saved is not None:
            return saved
    return render(request, "operator/partner_edit.html", {"form": form}, status=400 if form.errors else 200)


@operator_required
def partner_detail_view(request: HttpRequest, operator: Account, slug: str) -> HttpResponse:
    partner = get_object_or_404(Partner, slug=slug)
    form = RegistrationForm(request.POST or None, initial={"registration": registration_json(partner)})
    if request.method == "POST" and form.is_valid():
        saved = _register(request, operator, form)
        if saved is not None:
            return saved
    apps = [(app, needs_client_secret(app)) for app in partner.apps.order_by("slug")]
    context = {"partner": partner, "apps": apps, "form": form}
    return render(request, "operator/partner_detail.html", context, status=400 if form.errors else 200)


@operator_required
@require_POST
def new_secret_view(request: HttpRequest, operator: Account, slug: str) -> HttpResponse:
    app = get_object_or_404(PartnerApp.objects.select_related("partner"), slug=slug)
    if not needs_client_secret(app):
        raise Http404
    secret = actions.do_new_client_secret(operator, app)
    return render(request, "operator/partner_secret.html", {"app": app, "secret": secret})


def _filters(form: DisclosureFilterForm) -> DisclosureFilters:
    if not form.is_valid():
        return DisclosureFilters()
    data = form.cleaned_data
    return DisclosureFilters(
        app=data["app"].strip(),
        school=data["school"].strip(),
        board=data["board"].strip(),
        purpose=data["purpose"],
        kind=data["kind"],
        since=data["since"],
        until=data["until"],
    )


CSV_COLUMNS = ("when", "app", "school", "person_kind", "pseudonym", "fields", "purpose", "consent_receipt",
               "consent_categories")  # fmt: skip


def _csv(partner: Partner, rows: object) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for row in disclosure_rows(partner, rows):  # type: ignore[arg-type]
        writer.writerow(
            [
                row.created_at.isoformat(),
                row.app,
                row.school,
                row.person_kind,
                row.pseudonym,
                " ".join(row.fields),
                row.purpose,
                row.consent_receipt,
                " ".join(row.consent_categories),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="verstrekkingen-{partner.slug}.csv"'
    return response


@operator_required
def disclosure_log_view(request: HttpRequest, operator: Account, slug: str) -> HttpResponse:
    partner = get_object_or_404(Partner, slug=slug)
    form = DisclosureFilterForm(request.GET or None)
    rows = disclosures(partner, _filters(form))
    if request.GET.get("format") == "csv":
        return _csv(partner, rows.iterator(chunk_size=2000))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "partner": partner,
        "form": form,
        "page": page,
        "rows": list(disclosure_rows(partner, page)),
        "query": query.urlencode(),
    }
    return render(request, "operator/partner_disclosures.html", context)
