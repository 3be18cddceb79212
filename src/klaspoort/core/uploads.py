"""How big a request body a view takes, and refusing a bigger one before it is read.

Every view takes a body of at most `settings.DATA_UPLOAD_MAX_MEMORY_SIZE` (Django's own limit for a
form; None: no limit), unless it declares more with `@accepts_upload(limit)`: a file of `limit`
bytes plus `ENVELOPE` for the multipart headers and the other form fields. `BadInputMiddleware`
answers a request whose announced size (Content-Length) is over its view's limit with 413 before
anything of the body is read.

A view declared with `refuses_itself=True` (the roster upload: it records the refusal in the import
history, and only a coordinator's upload is read at all) gets its body untouched: the middleware
neither refuses nor parses it. Such a view checks the announced size itself (`announced_too_big`),
then `read_form` places a `SizeLimit` first among the upload handlers (a body without, or with a
false, Content-Length is cut off at the limit: `StopUpload(connection_reset=True)` instead of reading
on), parses the form with the other handlers of `settings.FILE_UPLOAD_HANDLERS` (memory up to
FILE_UPLOAD_MAX_MEMORY_SIZE, then a temporary file) and refuses a NUL character in a field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import BadRequest
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, QueryDict

ENVELOPE = 64 * 1024  # room for the multipart headers and the other form fields
View = TypeVar("View", bound=Callable[..., Any])
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def accepts_upload(limit: Callable[[], int], *, refuses_itself: bool = False) -> Callable[[View], View]:
    """Declare that a view takes a file of up to `limit()` bytes (read when the request comes)."""

    def decorate(view: View) -> View:
        view.upload_limit = limit  # type: ignore[attr-defined]
        view.upload_refused_by_view = refuses_itself  # type: ignore[attr-defined]
        return view

    return decorate


def body_limit(view: Callable[..., Any]) -> int | None:
    """The largest body `view` takes, in bytes (None: no limit)."""
    declared = getattr(view, "upload_limit", None)
    if declared is not None:
        return int(declared()) + ENVELOPE
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else int(limit)


def refused_by_view(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, "upload_refused_by_view", False))


def announced_size(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def announced_too_big(request: HttpRequest, limit: int) -> bool:
    """Is the announced body bigger than a file of `limit` bytes with its envelope?"""
    return announced_size(request) > limit + ENVELOPE


def has_nul(values: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


class SizeLimit(FileUploadHandler):
    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None


def read_form(request: HttpRequest, limit: int) -> SizeLimit:
    """Parse the form of a `refuses_itself` view with a file limit of `limit` bytes; returns the
    handler (`exceeded`: the file was cut off). A NUL character in a field: BadRequest (400)."""
    handler = SizeLimit(request, limit)
    request.upload_handlers = [handler, *request.upload_handlers]
    if request.content_type in FORMS and has_nul(request.POST):
        raise BadRequest("NUL character in the request")
    return handler
