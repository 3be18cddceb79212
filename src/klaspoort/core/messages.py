"""`LazyMessageMiddleware`: Django's MessageMiddleware, with the message storage made only when a
request uses it.

Django builds the storage (a cookie signer and a session storage) for every request, though most
requests (OpenID Connect token and userinfo calls, SAML, health checks, most pages) neither add
nor show a message. Here it is made on first use; a request that never touches it leaves the
stored messages as they were, as Django's storage does when nothing was read or added.
"""

from __future__ import annotations

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty


class LazyMessageMiddleware(MessageMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:  # type: ignore[attr-defined]
            return response
        return super().process_response(request, response)
