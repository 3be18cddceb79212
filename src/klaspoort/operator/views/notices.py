"""Notices: posting and ending them in the console (/beheer/meldingen/), and the public news page
(/nieuws/) with the notices in force and those of the past 60 days."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from klaspoort.accounts.models import Account
from klaspoort.core.clock import now
from klaspoort.operator import actions
from klaspoort.operator.forms import NoticeForm
from klaspoort.operator.models import Notice
from klaspoort.operator.views.guard import operator_required


@operator_required
def notice_list_view(request: HttpRequest, operator: Account) -> HttpResponse:
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_post_notice(operator, **form.cleaned_data)
        except actions.NoticeError as exc:
            form.add_error("ends_at", str(exc))
        else:
            messages.success(request, _("De melding is geplaatst."))
            return HttpResponseRedirect(reverse("operator:notices"))
    page = Paginator(Notice.objects.select_related("partner").order_by("-starts_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page, "now": now()}
    return render(request, "operator/notices.html", context, status=400 if form.errors else 200)


@operator_required
@require_POST
def end_notice_view(request: HttpRequest, operator: Account, pk: int) -> HttpResponse:
    actions.do_end_notice(operator, get_object_or_404(Notice, pk=pk))
    messages.info(request, _("De melding is beëindigd."))
    return HttpResponseRedirect(reverse("operator:notices"))


@require_GET
def news_view(request: HttpRequest) -> HttpResponse:
    moment = now()
    shown = Notice.objects.filter(starts_at__lte=moment, ends_at__gt=moment - dt.timedelta(days=60))
    language = get_language() or "nl"
    rows = [
        (notice, notice.title(language), notice.body(language), notice.ends_at > moment)
        for notice in shown.select_related("partner").order_by("-starts_at", "-id")[:100]
    ]
    return render(request, "operator/news.html", {"rows": rows})
