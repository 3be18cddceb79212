"""/schoolbeheer/links/: the school's links with copy buttons and QR codes, the shortcut files for
its devices and how to hand them out through device management (C5)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klaspoort.classroom.access import StaffAccess
from klaspoort.core.qr import qr_svg
from klaspoort.registry.models import SchoolLocation
from klaspoort.schooladmin import links
from klaspoort.schooladmin.access import coordinator_view

WHICH = ("leerlingen", "medewerkers")
KINDS = {
    "url": "application/x-mswinurl; charset=utf-8",
    "webloc": "application/x-apple-plist",
    "mobileconfig": "application/x-apple-aspen-config",
    "json": "application/json; charset=utf-8",
}


def _links(school: SchoolLocation) -> links.SchoolLinks:
    return links.school_links(settings.BASE_URL, school.instelling_ref)


def _label(school: SchoolLocation, which: str) -> str:
    return (
        f"klaspoort {school.name}"
        if which == "leerlingen"
        else f"klaspoort {school.name} ({_('medewerkers')})"
    )


@never_cache
@require_GET
@coordinator_view
def links_page(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    school = access.placement.school
    found = _links(school)
    rows = [
        ("staff", _("Inloggen voor medewerkers"), found.staff, "medewerkers"),
        ("pupils", _("Schoollink voor leerlingen"), found.pupils, "leerlingen"),
    ]
    context = {
        "school": school,
        "rows": [(key, title, url, which, qr_svg(url, title=title)) for key, title, url, which in rows],
        "deep_link": found.deep_link_to("https://uitgever.example/les/12"),
        "deep_link_form": found.deep_link + "&TARGET=",
    }
    return render(request, "schooladmin/links.html", context)


@never_cache
@require_GET
@coordinator_view
def devices_page(request: HttpRequest, access: StaffAccess) -> HttpResponse:
    return render(request, "schooladmin/devices.html", {"school": access.placement.school})


@never_cache
@require_GET
@coordinator_view
def download(request: HttpRequest, access: StaffAccess, which: str, kind: str) -> HttpResponse:
    if which not in WHICH or kind not in KINDS:
        raise Http404
    school = access.placement.school
    found = _links(school)
    url = found.pupils if which == "leerlingen" else found.staff
    label = _label(school, which)
    body: str | bytes
    if kind == "url":
        body = links.windows_shortcut(url)
    elif kind == "webloc":
        body = links.webloc(url)
    elif kind == "mobileconfig":
        identifier = f"nl.klaspoort.{school.brin.lower()}{school.location_code}.{which}"
        body = links.web_clip(label, url, identifier, links.school_icon(str(school.instelling_ref)))
    else:
        body = links.chromebook_bookmarks(f"klaspoort {school.name}", [(label, url)])
    response = HttpResponse(body, content_type=KINDS[kind])
    filename = f"klaspoort-{slugify(school.name)}-{which}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
