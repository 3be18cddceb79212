"""Refuse an upload over the size limit before it is read to the end.

`announced_too_big` looks at Content-Length before the body is touched; `SizeLimit` is an upload
handler placed first, so that a body without (or with a false) Content-Length is cut off at the
limit: it stops the parser (`StopUpload(connection_reset=True)`) instead of reading on.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

ENVELOPE = 64 * 1024  # room for the multipart headers and the other form fields


def announced_size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def announced_too_big(request: HttpRequest, limit: int) -> bool:
    return announced_size(request) > limit + ENVELOPE


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


def limit_uploads(request: HttpRequest, limit: int) -> SizeLimit | None:
    """Put a SizeLimit first among the request's upload handlers (before the body is read); None
    when a middleware has read the body already (the view then checks the file's size)."""
    handler = SizeLimit(request, limit)
    try:
        request.upload_handlers = [handler, *request.upload_handlers]
    except AttributeError:  # "cannot set the upload handlers after the upload has been processed"
        return None
    return handler
