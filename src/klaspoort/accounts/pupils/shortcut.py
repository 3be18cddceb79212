"""The school shortcut for pupils: /s/<INSTELLING_REF>/ -> group -> own picture -> code (C4).

Each page costs one query. What a visitor without login sees is only what a pupil needs to find
themselves: group names, and per group the pupils' first names and pictures. Pupils are addressed
by a random slug, never by their uuid.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.pupils.actions import do_ensure_credentials, do_pupil_code_attempt
from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.accounts.pupils.device import device_key, remember_device
from klaspoort.accounts.pupils.login import sign_in_pupil
from klaspoort.accounts.pupils.pictures import password_buttons
from klaspoort.accounts.pupils.queries import (
    grid_seats,
    is_retired,
    login_seat,
    members_of,
    parse_ref,
    seats_in_order,
    shortcut_group,
    shortcut_groups,
    shortcut_school,
)
from klaspoort.accounts.pupils.targets import clean_target, continue_to
from klaspoort.registry.models import SchoolLocation
from klaspoort.schooladmin.models import SchoolNetwork
from klaspoort.schooladmin.network import shortcut_allowed

PROBLEMS: dict[str, tuple[int, str, str]] = {
    "unknown": (
        404,
        "Deze schoollink kennen we niet",
        "Kijk of de link goed is overgenomen, of vraag je juf of meester om de link van jouw school.",
    ),
    "retired": (
        404,
        "Deze schoollink werkt niet meer",
        "Je school heeft een nieuwe link gekregen. Vraag je juf of meester om de nieuwe link.",
    ),
    "inactive": (
        403,
        "Bij deze school kun je nu niet inloggen",
        "De school is (nog) niet actief in klaspoort. Vraag je juf of meester om hulp.",
    ),
    "network": (
        403,
        "Inloggen kan alleen op school",
        "Jouw school heeft ingesteld dat je met deze link alleen op het schoolnetwerk kunt inloggen.",
    ),
    "gone": (
        404,
        "Deze pagina bestaat niet (meer)",
        "Misschien is de groep veranderd. Begin opnieuw en kies je groep.",
    ),
}


def refuse(request: HttpRequest, problem: str, ref: uuid.UUID | None = None) -> HttpResponse:
    status, title, explanation = PROBLEMS[problem]
    start = reverse("pupils:groups", args=[ref]) if ref and problem == "gone" else ""
    return render(
        request,
        "pupils/shortcut_problem.html",
        {"title": title, "explanation": explanation, "start": start},
        status=status,
    )


def _school_problem(ref: uuid.UUID | None) -> tuple[str, SchoolLocation | None]:
    """Why the shortcut cannot be used ('' if it can), and the school (rare path: refusals, empty lists)."""
    if ref is None:
        return "unknown", None
    school = shortcut_school(ref)
    if school is None:
        return ("retired" if is_retired(ref) else "unknown"), None
    if not school.active:
        return "inactive", school
    return "", school


def network_settings(school: SchoolLocation) -> SchoolNetwork | None:
    try:
        return school.network_settings
    except SchoolNetwork.DoesNotExist:
        return None


def _off_network(request: HttpRequest, school: SchoolLocation) -> bool:
    return not shortcut_allowed(network_settings(school), client_ip(request))


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
    groups = shortcut_groups(school_ref) if school_ref else []
    if groups:
        school = groups[0].school
    else:
        problem, found = _school_problem(school_ref)
        if problem or found is None:
            return refuse(request, problem or "unknown")
        school = found
    if _off_network(request, school):
        return refuse(request, "network")
    query = _target_query(clean_target(request.GET.get("target")))
    links = [(f"/s/{school.instelling_ref}/{group.uuid}/{query}", group.name) for group in groups]
    context = {"school": school, "links": links}
    return remember_device(request, render(request, "pupils/pick_group.html", context))


@never_cache
@require_GET
def pick_pupil(request: HttpRequest, ref: str, group: str) -> HttpResponse:
    school_ref, group_uuid = parse_ref(ref), parse_ref(group)
    found = shortcut_group(school_ref, group_uuid) if school_ref and group_uuid else None
    if found is None:
        problem, _school = _school_problem(school_ref)
        return refuse(request, problem or "gone", school_ref)
    if _off_network(request, found.school):
        return refuse(request, "network")
    seats = grid_seats(found)
    if not seats_in_order(seats):  # first visit, or someone joined the group: give out pictures
        do_ensure_credentials(found, members_of(found))
        seats = grid_seats(found)
    query = _target_query(clean_target(request.GET.get("target")))
    base = f"/s/{found.school.instelling_ref}/{found.uuid}/"
    context = {
        "school": found.school,
        "group": found,
        "seats": [(f"{base}{seat.slug}/{query}", seat.picture, seat.first_name) for seat in seats],
        "query": query,
    }
    return remember_device(request, render(request, "pupils/pick_pupil.html", context))


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest, ref: str, group: str, slug: str) -> HttpResponse:
    school_ref, group_uuid = parse_ref(ref), parse_ref(group)
    credential = login_seat(school_ref, group_uuid, slug[:24]) if school_ref and group_uuid else None
    if credential is None or school_ref is None or group_uuid is None:
        problem, _school = _school_problem(school_ref)
        return refuse(request, problem or "gone", school_ref)
    pupil = credential.pupil
    if _off_network(request, pupil.school):
        return refuse(request, "network")
    source = request.POST if request.method == "POST" else request.GET
    target = clean_target(source.get("target"))
    message, status, wait = "", 200, 0
    if request.method == "POST":
        result = do_pupil_code_attempt(
            credential,
            request.POST.get("code", "")[:64],
            device=device_key(request),
            client_ip=client_ip(request),
            school_ref=school_ref,
        )
        if result.ok:
            sign_in_pupil(request, pupil, school_ref)
            return continue_to(request, target, reverse("portal:tiles"))
        wait = result.wait_seconds
        if result.throttled:
            message, status = "Even wachten. Over een paar tellen kun je het opnieuw proberen.", 429
        else:
            message = "Dat is niet goed. Probeer het nog een keer."
    context = {
        "school": pupil.school,
        "pupil": pupil,
        "credential": credential,
        "group_url": reverse("pupils:pupils", args=[school_ref, group_uuid]) + _target_query(target),
        "is_pin": credential.kind == CodeKind.PIN,
        "password_buttons": "" if credential.kind == CodeKind.PIN else password_buttons(),
        "target": target,
        "message": message,
        "wait": wait,
    }
    response = render(request, "pupils/enter_code.html", context, status=status)
    if wait:
        response["Retry-After"] = str(wait)
    return remember_device(request, response)
