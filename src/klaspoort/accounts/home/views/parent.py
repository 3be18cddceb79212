"""The parent's pages: login (/thuis/), child picker (/thuis/kinderen/), logout (/thuis/uitloggen/).

The child's own code step is in `views/child.py`: a separate page and form, so browsers never see
the child's code next to the parent's email and password (C9).
"""

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

from klaspoort.accounts.challenge import FIELD as CHALLENGE_FIELD
from klaspoort.accounts.forms import LoginForm
from klaspoort.accounts.home.login import authenticate_parent, begin_parent_session, children_of
from klaspoort.accounts.home.views.guard import parent_view
from klaspoort.accounts.login import end_staff_session
from klaspoort.accounts.models import Account


def refused_message() -> str:
    return _(
        "Dit e-mailadres en wachtwoord horen niet bij elkaar, of er is nog geen wachtwoord gemaakt "
        "via de link in de mail van school."
    )


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "GET" and isinstance(user, Account) and user.kind == Account.Kind.PARENT:
        return HttpResponseRedirect(reverse("thuis:children"))
    form = LoginForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    challenge = None
    if request.method == "POST" and form.is_valid():
        attempt = authenticate_parent(
            request,
            form.cleaned_data["email"],
            form.cleaned_data["password"],
            solution=request.POST.get(CHALLENGE_FIELD),
        )
        if attempt.account is not None:
            begin_parent_session(request, attempt.account)
            return HttpResponseRedirect(reverse("thuis:children"))
        form.add_error(None, attempt.message or refused_message())
        challenge = attempt.challenge
    status = 400 if form.errors else 200
    return render(request, "home/login.html", {"form": form, "challenge": challenge}, status=status)


@never_cache
@require_http_methods(["GET"])
@parent_view
def children_view(request: HttpRequest, parent: Account) -> HttpResponse:
    children = children_of(parent)
    if len(children) == 1:
        return HttpResponseRedirect(reverse("thuis:child", args=[children[0].ref]))
    return render(request, "home/children.html", {"children": children, "parent": parent})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    end_staff_session(request)
    messages.success(request, _("Je bent uitgelogd."))
    return HttpResponseRedirect(reverse("thuis:login"))
