"""HEAD is answered wherever GET is (RFC 9110): the view runs as for GET, the body is left out.

Views are decorated with require_GET or require_http_methods(["GET", ...]) all over the project;
rather than trust every one of them to list HEAD, this outermost middleware shows them a GET and
sends the client the same status and headers without the body.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class HeadAsGetMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if response.streaming:
            response.streaming_content = []  # type: ignore[attr-defined]
        else:
            length = len(response.content)  # type: ignore[attr-defined]
            response.content = b""  # type: ignore[attr-defined]
            response["Content-Length"] = str(length)
        return response
