"""A request id for every request: in every log line of that request, in the `X-Request-ID` response
header and on our 500 page, so a school can quote it to the helpdesk and we find the error.

    RequestIdMiddleware   sets `request.request_id` (12 hex digits, random) for the request
    RequestIdFilter       logging filter: `record.request_id` ("-" outside a request), and a
                          request path in the message with long tokens (activation links,
                          codes) cut short, so no secret reaches the log
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current: ContextVar[str] = ContextVar("klaspoort_request_id", default="-")
HEADER = "X-Request-ID"
# Path segments that may carry a secret: tokens and codes are long runs of letters, digits, - and _.
_SECRET_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{20,}(?=/|$|\s)")


def current_request_id() -> str:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = secrets.token_hex(6)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


def scrub(text: str) -> str:
    """`text` with every long token-like path segment replaced by its first four characters."""
    return _SECRET_SEGMENT.sub(lambda m: m.group(0)[:4] + "…", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        if record.name.startswith("django."):
            record.msg = scrub(str(record.msg))
            if isinstance(record.args, tuple):
                record.args = tuple(scrub(a) if isinstance(a, str) else a for a in record.args)
        return True
