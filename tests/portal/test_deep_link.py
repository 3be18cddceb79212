"""The pupil login's TARGET handler: known targets are launched, anything else is left alone."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.http import HttpRequest
from django.test import RequestFactory

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.accounts.pupils.targets import _handlers
from klaspoort.portal.deep_link import launch_target_after_login
from tests.portal.world import World


def request_for(principal: Principal | None) -> HttpRequest:
    request = RequestFactory().get("/s/x/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    if principal is not None:
        request.session[SESSION_KEY] = principal.to_session()
    return request


def test_the_portal_registers_its_handler_with_the_pupil_login() -> None:
    assert launch_target_after_login in _handlers


def test_a_licensed_launch_url_is_launched(world: World) -> None:
    stub = world.add_publisher("rekenrijk")
    response = launch_target_after_login(request_for(world.principal()), f"{stub.base}/woorden")
    assert response is not None
    assert (response.status_code, response["Location"]) == (302, f"{stub.base}/woorden")


def test_unknown_targets_and_anonymous_requests_are_left_to_the_login(world: World) -> None:
    stub = world.add_publisher("rekenrijk")
    assert launch_target_after_login(request_for(world.principal()), "https://evil.example/") is None
    assert launch_target_after_login(request_for(world.principal()), f"{stub.base}/app/leerkracht") is None
    assert launch_target_after_login(request_for(None), f"{stub.base}/woorden") is None
