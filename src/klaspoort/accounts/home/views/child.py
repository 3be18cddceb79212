"""The child step at home (/thuis/kinderen/<ref>/): the child's own PIN or picture password.

A page of its own with a form of its own (C9): no email or username field, and the PIN is typed in
a text field (masked by CSS, `autocomplete="off"`), never a password field, so browsers do not
offer to store the child's code as the parent's password.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.home.child import begin_child_session, child_code_attempt
from klaspoort.accounts.home.login import child_of, children_of
from klaspoort.accounts.home.views.guard import parent_view
from klaspoort.accounts.models import Account
from klaspoort.accounts.pupils.actions import ensure_credential
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.device import remember_device
from klaspoort.accounts.pupils.pictures import password_buttons


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
@parent_view
def child_view(request: HttpRequest, parent: Account, ref: str) -> HttpResponse:
    child = child_of(parent, ref)
    if child is None:
        return render(request, "home/child_gone.html", status=404)
    credential = child.credential or ensure_credential(child.pupil)
    if credential is None:
        return render(request, "home/child_no_code.html", {"child": child}, status=409)
    message, status, wait = "", 200, 0
    if request.method == "POST":
        result = child_code_attempt(request, parent, child, credential, request.POST.get("code", ""))
        if result.ok:
            return HttpResponseRedirect(begin_child_session(request, parent, child))
        wait = result.wait_seconds
        if result.throttled:
            message, status = _("Even wachten. Over een paar tellen kun je het opnieuw proberen."), 429
        else:
            message, status = _("Dat is niet goed. Probeer het nog een keer."), 400
    is_pin = credential.kind == CodeKind.PIN
    context = {
        "child": child,
        "credential": credential,
        "is_pin": is_pin,
        "password_buttons": "" if is_pin else password_buttons(),
        "several": len(children_of(parent)) > 1,
        "message": message,
        "wait": wait,
    }
    response = render(request, "home/child_code.html", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    return remember_device(request, response)
