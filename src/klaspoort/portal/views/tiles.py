"""/portal/ — the landing page after every login: software tiles from real-time licences."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from klaspoort.accounts import permissions
from klaspoort.accounts.principal import current_principal
from klaspoort.portal.icons import icon_path
from klaspoort.portal.tiles import portal_view


@never_cache
@require_GET
def tiles_view(request: HttpRequest) -> HttpResponse:
    principal = current_principal(request)
    if principal is None:
        return redirect_to_login(request.get_full_path())
    view = portal_view(principal)
    is_teacher = principal.kind == "staff"
    group_count = None
    if is_teacher and not view.tiles:
        group_count = permissions.visible_groups(permissions.staff_placement_for(principal)).count()
    launch = reverse("portal:launch", args=["APP", "PRODUCT"])  # one reverse, not one per tile
    tiles = [
        (
            tile,
            launch.replace("APP", tile.app).replace("PRODUCT", quote(tile.product.id, safe="")),
            icon_path(tile.product.icon_url),
        )
        for tile in view.tiles
    ]
    return render(
        request,
        "portal/tiles.html",
        {
            "view": view,
            "tiles": tiles,
            "is_teacher": is_teacher,
            "base_template": "staff/base.html" if is_teacher else "pupils/base_portal.html",
            "at_home": principal.context == "home",
            "group_count": group_count,
        },
    )
