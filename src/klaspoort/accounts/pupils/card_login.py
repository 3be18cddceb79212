"""The pupil's side of a login card: /s/<INSTELLING_REF>/kaart/<slug>/<secret>/ (login_cards.py).

GET (the QR code scanned): the pupil's first name and four pictures, "Tik op jouw plaatje".
POST (a picture tapped): signed in and on to the portal, or the pictures again. A revoked or
unknown card, another school's card, or a scan from outside a restricting school's network gets
the shortcut's friendly refusal page. The secret is in the path: these pages send no referrer.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.pupils.device import device_key, remember_device
from klaspoort.accounts.pupils.login import sign_in_pupil
from klaspoort.accounts.pupils.login_cards import CardCheck, do_card_login, open_card
from klaspoort.accounts.pupils.queries import parse_ref
from klaspoort.accounts.pupils.shortcut import _school_problem, refuse


def _private(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def card(request: HttpRequest, ref: str, slug: str, secret: str) -> HttpResponse:
    school_ref = parse_ref(ref)
    if school_ref is None:
        return _private(refuse(request, "unknown"))
    device, address = device_key(request), client_ip(request)
    if request.method == "POST":
        picture = request.POST.get("picture", "")[:40]
        result = do_card_login(school_ref, slug[:24], secret[:64], picture, device=device, client_ip=address)
        if result.ok and result.credential is not None:
            sign_in_pupil(request, result.credential.pupil, school_ref)
            return _private(redirect("portal:tiles"))
    else:
        result = open_card(school_ref, slug[:24], secret[:64], device=device, client_ip=address)
    return _private(remember_device(request, _answer(request, school_ref, result)))


def _answer(request: HttpRequest, school_ref: uuid.UUID, result: CardCheck) -> HttpResponse:
    if result.problem == "unknown":
        return refuse(request, _school_problem(school_ref)[0] or "card")
    if result.problem in ("network", "revoked") or result.credential is None:
        return refuse(request, "network" if result.problem == "network" else "card")
    message = ""
    if result.problem == "throttled":
        message = _("Even wachten. Over een paar tellen kun je het opnieuw proberen.")
    elif result.problem == "picture":
        message = _("Dat is niet jouw plaatje. Probeer het nog een keer.")
    context = {
        "first_name": result.credential.pupil.first_name,
        "choices": result.choices,
        "message": message,
        "wait": result.wait_seconds,
        "school_link": f"/s/{school_ref}/",
    }
    status = 429 if result.problem == "throttled" else 200
    response = render(request, "pupils/card_confirm.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(result.wait_seconds or 1)
    return response
