"""/portal/icon/?u=<signed URL> — a tile icon served from our own origin (see `portal.icons`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_GET

from klaspoort.accounts.principal import current_principal
from klaspoort.portal.icons import fetch_icon, unsign


@require_GET
def icon_view(request: HttpRequest) -> HttpResponse:
    if current_principal(request) is None:
        return HttpResponse(status=403)
    url = unsign(request.GET.get("u", ""))
    icon = fetch_icon(url) if url else None
    if icon is None:
        return HttpResponseNotFound(content_type="text/plain")
    response = HttpResponse(icon.body, content_type=icon.content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
