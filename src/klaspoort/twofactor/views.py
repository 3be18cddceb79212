"""Two-factor pages: the code after the password (`/login/code/`), enrolment that a school requires
at login (`/login/two-factor/`), and the person's own settings (`/profile/two-factor/`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from klaspoort.accounts import permissions
from klaspoort.accounts.decorators import staff_required
from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import current_principal
from klaspoort.twofactor import actions
from klaspoort.twofactor.forms import CodeForm, FirstCodeForm, PasswordForm, SchoolSettingForm
from klaspoort.twofactor.login import Pending, Step, finish_login, pending, submit_code

View = Callable[[HttpRequest], HttpResponse]
StepView = Callable[[HttpRequest, Pending], HttpResponse]


def _back_to_login(request: HttpRequest, message: str) -> HttpResponseRedirect:
    messages.error(request, message)
    return HttpResponseRedirect(reverse("accounts:login"))


NO_SCHOOL = gettext_lazy(
    "Je account is niet (meer) aan een school gekoppeld. Neem contact op met je ICT-coördinator."
)
START_AGAIN = gettext_lazy("Log opnieuw in: het inloggen duurde te lang of is afgebroken.")
WRONG_FIRST_CODE = gettext_lazy("Deze code klopt niet. Kijk of de tijd op je telefoon goed staat.")


def second_step(name: Step) -> Callable[[StepView], View]:
    """A page of the half-finished login: needs the pending login of this session at step `name`."""

    def decorate(view: StepView) -> View:
        @sensitive_post_parameters("code")
        @csrf_protect
        @never_cache
        @require_http_methods(["GET", "POST"])
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            step = pending(request)
            if step is None or step.step != name:
                return _back_to_login(request, str(START_AGAIN))
            return view(request, step)

        return wrapper

    return decorate


@second_step("code")
def code_view(request: HttpRequest, step: Pending) -> HttpResponse:
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer = submit_code(request, step, form.cleaned_data["code"])
        if answer.outcome == "ok":
            return HttpResponseRedirect(answer.target)
        if answer.outcome == "ended":
            return _back_to_login(request, _("Te vaak een verkeerde code. Log opnieuw in."))
        if answer.outcome == "no_school":
            return _back_to_login(request, str(NO_SCHOOL))
        if answer.outcome == "wait":
            form.add_error(
                None,
                _("Even wachten: probeer het over %(seconds)d seconden opnieuw.") % {"seconds": answer.wait},
            )
        else:
            form.add_error(
                "code",
                ngettext(
                    "Deze code klopt niet. Je kunt het nog %(left)d keer proberen.",
                    "Deze code klopt niet. Je kunt het nog %(left)d keer proberen.",
                    answer.left,
                )
                % {"left": answer.left},
            )
    return render(request, "twofactor/code.html", {"form": form})


def _recovery_page(request: HttpRequest, codes: list[str], continue_url: str) -> HttpResponse:
    return render(request, "twofactor/recovery_codes.html", {"codes": codes, "continue_url": continue_url})


@second_step("enrol")
def enrol_at_login_view(request: HttpRequest, step: Pending) -> HttpResponse:
    """A coordinator whose school requires two factors sets them up before the session begins."""
    form = FirstCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = actions.do_confirm_enrolment(step.account, form.cleaned_data["code"])
        if codes is not None:
            target = finish_login(request, step)
            if target is None:
                return _back_to_login(request, str(NO_SCHOOL))
            return _recovery_page(request, codes, target)
        form.add_error("code", str(WRONG_FIRST_CODE))
    context = {"form": form, "enrolment": actions.enrolment_for(step.account), "at_login": True}
    return render(request, "twofactor/enrol.html", context)


def _coordinated_placement(request: HttpRequest) -> Any:
    placement = permissions.staff_placement_for(current_principal(request))
    return placement if placement is not None and permissions.is_coordinator(placement) else None


@sensitive_post_parameters("code", "password")
@never_cache
@staff_required(need_school=False)
@require_http_methods(["GET", "POST"])
def manage_view(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, Account)
    action = request.POST.get("action", "")
    code_form = FirstCodeForm(request.POST if action == "confirm" else None)
    password_form = PasswordForm(request.POST if action == "off" else None)
    coordinator = _coordinated_placement(request)
    school = coordinator.school if coordinator is not None else None
    school_form = SchoolSettingForm(
        request.POST if action == "school" else None,
        initial={"required": actions.coordinators_required(school)} if school else None,
    )
    if action == "confirm" and code_form.is_valid():
        codes = actions.do_confirm_enrolment(account, code_form.cleaned_data["code"])
        if codes is not None:
            return _recovery_page(request, codes, reverse("twofactor:manage"))
        code_form.add_error("code", str(WRONG_FIRST_CODE))
    elif action == "codes" and actions.is_enrolled(account):
        return _recovery_page(request, actions.do_new_recovery_codes(account), reverse("twofactor:manage"))
    elif action == "off" and password_form.is_valid():
        try:
            actions.do_turn_off(account, password=password_form.cleaned_data["password"])
        except actions.TurnOffRefused as refusal:
            password_form.add_error(refusal.field, str(refusal))
        else:
            messages.success(request, _("Tweestapsverificatie staat uit."))
            return HttpResponseRedirect(reverse("twofactor:manage"))
    elif action == "school" and school is not None and school_form.is_valid():
        actions.do_set_coordinator_requirement(
            school, school_form.cleaned_data["required"], actor=coordinator
        )
        messages.success(request, _("De instelling van de school is opgeslagen."))
        return HttpResponseRedirect(reverse("twofactor:manage"))
    enrolled = actions.is_enrolled(account)
    context = {
        "enrolled": enrolled,
        "enrolment": None if enrolled else actions.enrolment_for(account),
        "code_form": code_form,
        "password_form": password_form,
        "school": school,
        "school_form": school_form,
        "codes_left": actions.recovery_codes_left(account) if enrolled else 0,
    }
    return render(request, "twofactor/manage.html", context)
