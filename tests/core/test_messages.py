from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils.functional import empty

from klaspoort.core.messages import LazyMessageMiddleware

COOKIE = "messages"


def _request(cookies: dict[str, str]) -> HttpRequest:
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies)
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    return request


def _run(
    view: Callable[[HttpRequest], HttpResponse], cookies: dict[str, str]
) -> tuple[HttpRequest, HttpResponse]:
    request = _request(cookies)
    response = LazyMessageMiddleware(view)(request)
    return request, response


def test_a_message_added_in_one_request_is_shown_in_the_next_and_then_gone() -> None:
    def add(request: HttpRequest) -> HttpResponse:
        messages.info(request, "Opgeslagen.")
        return HttpResponse()

    shown: list[str] = []

    def show(request: HttpRequest) -> HttpResponse:
        shown.extend(str(m) for m in messages.get_messages(request))
        return HttpResponse()

    _, response = _run(add, {})
    stored = response.cookies[COOKIE].value
    assert stored != ""
    _, response = _run(show, {COOKIE: stored})
    assert shown == ["Opgeslagen."]
    assert response.cookies[COOKIE].value == ""  # read, so removed


def test_a_request_that_never_touches_the_messages_builds_no_storage_and_keeps_them() -> None:
    def add(request: HttpRequest) -> HttpResponse:
        messages.info(request, "Opgeslagen.")
        return HttpResponse()

    _, response = _run(add, {})
    stored = response.cookies[COOKIE].value
    request, response = _run(lambda request: HttpResponse(), {COOKIE: stored})
    assert request._messages._wrapped is empty  # type: ignore[attr-defined]
    assert COOKIE not in response.cookies  # the stored message waits for the next page
    shown: list[str] = []

    def show(request: HttpRequest) -> HttpResponse:
        shown.extend(str(m) for m in messages.get_messages(request))
        return HttpResponse()

    _run(show, {COOKIE: stored})
    assert shown == ["Opgeslagen."]
