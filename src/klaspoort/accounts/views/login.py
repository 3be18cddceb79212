"""Staff login (`/login/`), school picker (`/login/school/`) and the simple start page (`/start/`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from klaspoort.accounts import permissions
from klaspoort.accounts.challenge import FIELD as CHALLENGE_FIELD
from klaspoort.accounts.decorators import staff_required
from klaspoort.accounts.forms import LoginForm
from klaspoort.accounts.login import (
    SESSION_NEXT,
    LoginResult,
    active_placements,
    choose_school,
    safe_next,
)
from klaspoort.accounts.login_steps import after_password
from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import current_principal
from klaspoort.accounts.throttle import guarded_authenticate
from klaspoort.core import fragments

MESSAGES = {
    "invalid": gettext_lazy(
        "Dit e-mailadres en wachtwoord horen niet bij elkaar, of het account is nog niet geactiveerd."
    ),
    "no_school": gettext_lazy(
        "Je account is niet (meer) aan een school gekoppeld. Neem contact op met je ICT-coördinator."
    ),
}


def refusal_message(result: LoginResult | None) -> str:
    return str(MESSAGES.get(result.outcome if result else "invalid", MESSAGES["invalid"]))


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = LoginForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    challenge = None
    if request.method == "POST" and form.is_valid():
        attempt = guarded_authenticate(
            request,
            form.cleaned_data["email"],
            form.cleaned_data["password"],
            solution=request.POST.get(CHALLENGE_FIELD),
        )
        if attempt.ok and attempt.result is not None:
            return HttpResponseRedirect(after_password(request, attempt.result, next_url))
        form.add_error(None, attempt.message or refusal_message(attempt.result))
        challenge = attempt.challenge
    if request.method == "GET" and not request.GET and not messages.get_messages(request):
        return _blank_login_page(request)
    context = {"form": form, "next": next_url or "", "challenge": challenge}
    return render(request, "accounts/login.html", context)


# The blank login form (GET /login/ without parameters or messages) is the page served before nearly
# every staff login: rendered once per language and worker, then served with this request's CSRF token
# put in place of the marker. Everything else on the page is the same for everyone.
_TOKEN_MARKER = "kp-csrf-token-marker"  # noqa: S105 (a placeholder, not a secret)
_blank_pages: dict[str, str] = {}


def _blank_login_page(request: HttpRequest) -> HttpResponse:
    language = get_language()
    page = _blank_pages.get(language)
    if page is None:
        context = {
            "form": LoginForm(),
            "next": "",
            "challenge": None,
            "csrf_token": _TOKEN_MARKER,
            "fragment_markers": True,  # live parts (notices) are filled in per request
        }
        page = render_to_string("accounts/login.html", context, request)
        if page.count(_TOKEN_MARKER) < 1:
            raise RuntimeError("the login page has no {% csrf_token %}")
        _blank_pages[language] = page
    return HttpResponse(fragments.fill(page, request).replace(_TOKEN_MARKER, get_token(request)))


@receiver(setting_changed)
def _forget_blank_pages(**kwargs: object) -> None:
    """A setting changed (tests do that): the page's URLs, static files or languages may differ."""
    _blank_pages.clear()


@never_cache
@staff_required(need_school=False)
@require_http_methods(["GET", "POST"])
def choose_school_view(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, Account)
    if request.method == "GET" and (next_url := safe_next(request, request.GET.get("next"))):
        request.session[SESSION_NEXT] = next_url
    error = ""
    if request.method == "POST":
        target = choose_school(request, request.POST.get("school", ""))
        if target is not None:
            return HttpResponseRedirect(target)
        error = _("Kies een van je eigen scholen.")
    placements = active_placements(request.user)
    principal = current_principal(request)
    return render(
        request,
        "accounts/choose_school.html",
        {"placements": placements, "current": principal.school if principal else None, "error": error},
        status=400 if error else 200,
    )


@staff_required
def start_view(request: HttpRequest) -> HttpResponse:
    placement = permissions.staff_placement_for(current_principal(request))
    if placement is None:
        return HttpResponseRedirect("/login/school/")
    groups = (
        permissions.visible_groups(placement).select_related("school_year").order_by("year_group", "name")
    )
    others = active_placements(request.user) if isinstance(request.user, Account) else ()
    return render(
        request,
        "accounts/start.html",
        {
            "placement": placement,
            "groups": groups,
            "several_schools": len(others) > 1,
            "manages_staff": permissions.can_manage_staff(placement, placement.school),
        },
    )
