"""Our own error pages (Dutch, English when chosen), never Django's: 400, 403 (also a failed CSRF
check), 404, 413 (a body over its limit) and 500. They name no internals. The 500 page
(templates/500.html, stand-alone) names the request id, which is in the error's log line as well.

Wired in urls.py (handler400/403/404/500) and settings.CSRF_FAILURE_VIEW.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext_lazy as _

from klaspoort.core.request_id import current_request_id

PAGES: dict[int, tuple[Any, Any]] = {
    400: (
        _("Dit verzoek klopt niet"),
        _("Je browser stuurde iets wat we niet begrijpen. Ga terug en probeer het opnieuw."),
    ),
    403: (
        _("Geen toegang"),
        _("Je mag deze pagina niet bekijken. Ben je ingelogd met het goede account?"),
    ),
    404: (
        _("Pagina niet gevonden"),
        _("Deze pagina bestaat niet (meer). Kijk of het adres goed is overgenomen."),
    ),
    413: (
        _("Dit is te groot"),
        _("Wat je stuurde is groter dan deze pagina aanneemt. Ga terug en kies een kleiner bestand."),
    ),
}
CSRF_FAILED = (
    _("Het formulier is verlopen"),
    _(
        "Je hebt dit formulier te lang open laten staan, of je browser weigert cookies. Laad de pagina "
        "opnieuw en probeer het nog eens."
    ),
)


def _page(request: HttpRequest, status: int, heading: Any, explanation: Any) -> HttpResponse:
    context = {"heading": heading, "explanation": explanation}
    body = loader.render_to_string("core/error.html", context, request)
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, *PAGES[400])


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, *PAGES[403])


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, *PAGES[404])


def too_large(request: HttpRequest) -> HttpResponse:
    return _page(request, 413, *PAGES[413])


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(request, 403, *CSRF_FAILED)


def server_error(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", None) or current_request_id()
    try:
        page = loader.get_template("500.html").render({"request_id": request_id})
    except Exception:
        page = f"<!doctype html><title>500</title><p>Server error. Request id: {request_id}</p>"
    return HttpResponseServerError(page)
