"""Operator sign-in pages: /beheer/login/ (password), /beheer/login/code/, /beheer/login/instellen/."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from klaspoort.accounts import throttle
from klaspoort.accounts.challenge import FIELD as CHALLENGE_FIELD
from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.forms import LoginForm
from klaspoort.accounts.login import account_subject
from klaspoort.audit.events import record_event
from klaspoort.operator import signin
from klaspoort.twofactor import actions as twofactor
from klaspoort.twofactor.forms import CodeForm, FirstCodeForm


def _start_again(request: HttpRequest, message: str) -> HttpResponseRedirect:
    messages.error(request, message)
    return HttpResponseRedirect(reverse("operator:login"))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    challenge = None
    if request.method == "POST" and form.is_valid():
        step = signin.check_password(
            request,
            form.cleaned_data["email"],
            form.cleaned_data["password"],
            request.POST.get(CHALLENGE_FIELD),
        )
        if step.account is not None:
            return HttpResponseRedirect(signin.begin_second_step(request, step.account))
        form.add_error(None, step.message or _("Dit e-mailadres en wachtwoord horen niet bij elkaar."))
        challenge = step.challenge
    return render(request, "operator/login.html", {"form": form, "challenge": challenge})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def code_view(request: HttpRequest) -> HttpResponse:
    account = signin.pending_operator(request)
    if account is None or not twofactor.is_enrolled(account):
        return _start_again(request, _("Log opnieuw in: het inloggen duurde te lang of is afgebroken."))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = throttle.check_code(account.uuid)
        if wait:
            form.add_error(
                None, _("Even wachten: probeer het over %(seconds)d seconden opnieuw.") % {"seconds": wait}
            )
        else:
            factor = twofactor.verify_second_factor(account, form.cleaned_data["code"])
            throttle.record_code(account.uuid, ok=factor is not None)
            if factor is not None:
                signin.finish(request, account)
                return HttpResponseRedirect(reverse("operator:home"))
            record_event(
                "login.code_failed",
                outcome="denied",
                subject=account_subject(account),
                client_ip=client_ip(request),
            )
            if not signin.count_wrong_code(request):
                return _start_again(request, _("Te vaak een verkeerde code. Log opnieuw in."))
            form.add_error("code", _("Deze code klopt niet."))
    return render(request, "operator/code.html", {"form": form}, status=400 if form.errors else 200)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Operators must use two factors: one without a device sets it up before the session begins."""
    account = signin.pending_operator(request)
    if account is None or twofactor.is_enrolled(account):
        return _start_again(request, _("Log opnieuw in: het inloggen duurde te lang of is afgebroken."))
    form = FirstCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.do_confirm_enrolment(account, form.cleaned_data["code"])
        if codes is not None:
            signin.finish(request, account)
            return render(
                request,
                "twofactor/recovery_codes.html",
                {"codes": codes, "continue_url": reverse("operator:home")},
            )
        form.add_error("code", _("Deze code klopt niet. Kijk of de tijd op je telefoon goed staat."))
    enrolment = twofactor.enrolment_for(account)
    return render(
        request,
        "operator/enrol.html",
        {"form": form, "enrolment": enrolment},
        status=400 if form.errors else 200,
    )


@require_POST
@csrf_protect
def logout_view(request: HttpRequest) -> HttpResponse:
    signin.sign_out(request)
    return HttpResponseRedirect(reverse("operator:login"))
