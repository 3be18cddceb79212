"""The school shortcut for pupils: /s/<INSTELLING_REF>/ -> group -> own picture -> code (C4).

The pages read the shared cache (cards.py); the login itself reads the database. What a visitor
without login sees is only what a pupil needs to find themselves: group names, and per group the
pupils' first names and pictures. Pupils are addressed by a random slug, never by their uuid.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.pupils.actions import do_pupil_code_attempt
from klaspoort.accounts.pupils.cards import cards
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.device import device_key, remember_device
from klaspoort.accounts.pupils.login import sign_in_pupil
from klaspoort.accounts.pupils.network_rule import network_rule
from klaspoort.accounts.pupils.pictures import password_buttons
from klaspoort.accounts.pupils.queries import is_retired, login_seat, parse_ref, shortcut_school, successors
from klaspoort.accounts.pupils.targets import clean_target, continue_to
from klaspoort.core.csp import allow_form_action
from klaspoort.core.networks import address_in
from klaspoort.registry.models import SchoolLocation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PROBLEMS: dict[str, tuple[int, StrOrPromise, StrOrPromise]] = {
    "unknown": (
        404,
        gettext_lazy("Deze schoollink kennen we niet"),
        gettext_lazy(
            "Kijk of de link goed is overgenomen, of vraag je juf of meester om de link van jouw school."
        ),
    ),
    "retired": (
        404,
        gettext_lazy("Deze schoollink werkt niet meer"),
        gettext_lazy("Je school heeft een nieuwe link gekregen. Vraag je juf of meester om de nieuwe link."),
    ),
    "inactive": (
        403,
        gettext_lazy("Bij deze school kun je nu niet inloggen"),
        gettext_lazy("De school is (nog) niet actief in klaspoort. Vraag je juf of meester om hulp."),
    ),
    "closed": (
        410,
        gettext_lazy("Deze school gebruikt klaspoort niet meer"),
        gettext_lazy("Je kunt hier niet meer inloggen. Vraag je juf of meester hoe je nu inlogt."),
    ),
    "moved": (
        410,
        gettext_lazy("Je school heeft een nieuwe link"),
        gettext_lazy("Je school is samengevoegd of gesplitst. Kies hieronder je school en log daar in."),
    ),
    "network": (
        403,
        gettext_lazy("Inloggen kan alleen op school"),
        gettext_lazy(
            "Jouw school heeft ingesteld dat je met deze link alleen op het schoolnetwerk kunt inloggen."
        ),
    ),
    "card": (
        403,
        gettext_lazy("Deze inlogkaart werkt niet (meer)"),
        gettext_lazy("Misschien heb je een nieuwe kaart gekregen. Vraag je juf of meester om hulp."),
    ),
    "gone": (
        404,
        gettext_lazy("Deze pagina bestaat niet (meer)"),
        gettext_lazy("Misschien is de groep veranderd. Begin opnieuw en kies je groep."),
    ),
}


def refuse(request: HttpRequest, problem: str, ref: uuid.UUID | None = None) -> HttpResponse:
    status, title, explanation = PROBLEMS[problem]
    start = reverse("pupils:groups", args=[ref]) if ref and problem == "gone" else ""
    moved = successors(ref) if ref and problem == "moved" else []
    links = [(reverse("pupils:groups", args=[school.instelling_ref]), school.name) for school in moved]
    return render(
        request,
        "pupils/shortcut_problem.html",
        {"title": title, "explanation": explanation, "start": start, "moved": links},
        status=status,
    )


def _school_problem(ref: uuid.UUID | None) -> tuple[str, SchoolLocation | None]:
    """Why the shortcut cannot be used ('' if it can), and the school (rare path: refusals, empty lists)."""
    if ref is None:
        return "unknown", None
    school = shortcut_school(ref)
    if school is None:
        return ("retired" if is_retired(ref) else "unknown"), None
    if not school.active and school.closed_at and successors(ref):
        return "moved", school
    if not school.active:
        return ("closed" if school.closed_at else "inactive"), school
    return "", school


def _off_network(request: HttpRequest, restrict: bool, networks: Sequence[str]) -> bool:
    return restrict and not address_in(networks, client_ip(request))


def _target_query(target: str) -> str:
    return "?" + urlencode({"target": target}) if target else ""


@never_cache
@require_GET
def deep_link(request: HttpRequest) -> HttpResponse:
    """The source platform's link form: /login/leerlingen/snelkoppelaar?INSTELLING_REF=…&TARGET=…"""
    ref = parse_ref(request.GET.get("INSTELLING_REF"))
    if ref is None:
        return refuse(request, "unknown")
    target = clean_target(request.GET.get("TARGET"))
    return redirect(reverse("pupils:groups", args=[ref]) + _target_query(target))


@never_cache
@require_GET
def pick_group(request: HttpRequest, ref: str) -> HttpResponse:
    school_ref = parse_ref(ref)
    school, _group = cards(school_ref) if school_ref else (None, None)
    if school is None:
        return refuse(request, _school_problem(school_ref)[0] or "unknown", school_ref)
    if _off_network(request, school.restrict, school.networks):
        return refuse(request, "network")
    query = _target_query(clean_target(request.GET.get("target")))
    links = [(f"/s/{school.ref}/{group}/{query}", name) for group, name in school.groups]
    context = {"school": school, "links": links}
    return remember_device(request, render(request, "pupils/pick_group.html", context))


@never_cache
@require_GET
def pick_pupil(request: HttpRequest, ref: str, group: str) -> HttpResponse:
    school_ref, group_uuid = parse_ref(ref), parse_ref(group)
    school, found = cards(school_ref, group_uuid) if school_ref and group_uuid else (None, None)
    if school is None or found is None:
        return refuse(request, _school_problem(school_ref)[0] or "gone", school_ref)
    if _off_network(request, school.restrict, school.networks):
        return refuse(request, "network")
    query = _target_query(clean_target(request.GET.get("target")))
    base = f"/s/{school.ref}/{found.uuid}/"
    context = {
        "school": school,
        "group": found,
        "seats": [(f"{base}{seat.slug}/{query}", seat.picture, seat.first_name) for seat in found.seats],
        "query": query,
    }
    return remember_device(request, render(request, "pupils/pick_pupil.html", context))


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest, ref: str, group: str, slug: str) -> HttpResponse:
    school_ref, group_uuid = parse_ref(ref), parse_ref(group)
    if school_ref is None or group_uuid is None:
        return refuse(request, _school_problem(school_ref)[0] or "gone", school_ref)
    if request.method == "POST":
        return _attempt(request, school_ref, group_uuid, slug[:24])
    school, found = cards(school_ref, group_uuid)
    seat = found.seat(slug) if found else None
    if school is None or seat is None:
        return refuse(request, _school_problem(school_ref)[0] or "gone", school_ref)
    if _off_network(request, school.restrict, school.networks):
        return refuse(request, "network")
    page = CodePage(
        school.name, seat.first_name, seat.picture, seat.kind, clean_target(request.GET.get("target"))
    )
    return _code_page(request, school_ref, group_uuid, page)


@dataclass(frozen=True)
class CodePage:
    school_name: str
    first_name: str
    picture: str
    kind: str
    target: str


def _attempt(request: HttpRequest, school_ref: uuid.UUID, group_uuid: uuid.UUID, slug: str) -> HttpResponse:
    """The login itself: everything checked against the database, never against a card."""
    credential = login_seat(school_ref, group_uuid, slug)
    if credential is None:
        return refuse(request, _school_problem(school_ref)[0] or "gone", school_ref)
    pupil = credential.pupil
    if _off_network(request, *network_rule(pupil.school)):
        return refuse(request, "network")
    target = clean_target(request.POST.get("target"))
    result = do_pupil_code_attempt(
        credential,
        request.POST.get("code", "")[:64],
        device=device_key(request),
        client_ip=client_ip(request),
        school_ref=school_ref,
    )
    if result.ok:
        picture_step = request.path.rstrip("/").rsplit("/", 1)[0] + "/"  # the group's picture page
        sign_in_pupil(request, pupil, school_ref, back=picture_step)
        return continue_to(request, target, reverse("portal:tiles"))
    page = CodePage(pupil.school.name, pupil.first_name, credential.picture, credential.kind, target)
    if result.throttled:
        message = _("Even wachten. Over een paar tellen kun je het opnieuw proberen.")
        return _code_page(request, school_ref, group_uuid, page, message=message, wait=result.wait_seconds)
    message = _("Dat is niet goed. Probeer het nog een keer.")
    return _code_page(request, school_ref, group_uuid, page, message=message)


def _code_page(
    request: HttpRequest,
    school_ref: uuid.UUID,
    group_uuid: uuid.UUID,
    page: CodePage,
    *,
    message: str = "",
    wait: int = 0,
) -> HttpResponse:
    is_pin = page.kind == CodeKind.PIN
    context = {
        "page": page,
        "group_url": f"/s/{school_ref}/{group_uuid}/{_target_query(page.target)}",
        "is_pin": is_pin,
        "password_buttons": "" if is_pin else password_buttons(),
        "message": message,
        "wait": wait,
    }
    response = render(request, "pupils/enter_code.html", context, status=429 if wait else 200)
    if page.target:
        # The login form's answer redirects on to the deep link's product: the policy must let
        # the form's redirect chain reach that origin (only a plain host name is ever added).
        allow_form_action(response, page.target)
    if wait:
        response["Retry-After"] = str(wait)
    return remember_device(request, response)
