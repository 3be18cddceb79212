"""Our 500 page (`handler500`): it names the request id, which is in the error's log line as well."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

from klaspoort.core.request_id import current_request_id


def server_error(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", None) or current_request_id()
    try:
        page = loader.get_template("500.html").render({"request_id": request_id})
    except Exception:
        page = f"<!doctype html><title>500</title><p>Server error. Request id: {request_id}</p>"
    return HttpResponseServerError(page)
