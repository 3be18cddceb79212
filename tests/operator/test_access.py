"""Everyone but a signed-in operator gets 403 on every console page, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver

from klaspoort.accounts.login import BACKEND
from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from tests.operator.conftest import make_operator, sign_in

PUBLIC = {"login", "code", "enrol", "logout", "request_form", "news"}


def console_urls(school: SchoolLocation) -> list[str]:
    """Every console page, with real arguments where a page needs them."""
    resolver = get_resolver()
    urls = []
    for pattern in resolver.url_patterns:
        inner = getattr(pattern, "url_patterns", [])
        for entry in inner:
            if not isinstance(entry, URLPattern) or getattr(pattern, "namespace", None) != "operator":
                continue
            if entry.name in PUBLIC:
                continue
            route = str(entry.pattern)
            for name in entry.pattern.converters:
                route = route.replace(f"<str:{name}>", str(school.instelling_ref)).replace(
                    f"<int:{name}>", "1"
                )
            urls.append("/" + route)
    assert len(urls) >= 3
    return urls


def _staff_client(teacher: StaffPlacement) -> Client:
    client = Client()
    assert teacher.staff.account is not None
    client.force_login(teacher.staff.account, backend=BACKEND)
    return client


def _operator_password_only() -> Client:
    """An operator session without the second factor (e.g. logged in some other way)."""
    client = Client()
    client.force_login(make_operator("other@klaspoort.example", two_factor=False), backend=BACKEND)
    return client


def _operator_device_removed() -> Client:
    account = make_operator("third@klaspoort.example")
    client = sign_in(Client(), account)
    account.totp_device.delete()
    return client


@pytest.mark.parametrize(
    "who",
    ["anonymous", "teacher", "parent", "operator_without_second_factor", "operator_device_removed"],
)
def test_everyone_but_an_operator_is_refused(
    who: str, school: SchoolLocation, teacher: StaffPlacement, fast_hasher: None
) -> None:
    makers: dict[str, Callable[[], Client]] = {
        "anonymous": Client,
        "teacher": lambda: _staff_client(teacher),
        "parent": _parent_client,
        "operator_without_second_factor": _operator_password_only,
        "operator_device_removed": _operator_device_removed,
    }
    client = makers[who]()
    schools_before = list(SchoolLocation.objects.values_list("pk", "name", "active", "brin"))
    events_before = AuditEvent.objects.count()
    for url in console_urls(school):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "X", "reason": "x", "confirm": "1"}).status_code == 403, url
    assert list(SchoolLocation.objects.values_list("pk", "name", "active", "brin")) == schools_before
    assert AuditEvent.objects.count() == events_before


def _parent_client() -> Client:
    client = Client()
    parent = Account.objects.create_user("ouder@thuis.example", "x", kind=Account.Kind.PARENT, is_active=True)
    client.force_login(parent, backend=BACKEND)
    return client


def test_operator_sees_every_console_page(console: Client, school: SchoolLocation) -> None:
    """Pages (GET 200) and forms that only take a POST (405 to a GET); numbered pages need rows."""
    for url in console_urls(school):
        names_a_partner = "/partners/" in url and str(school.instelling_ref) in url  # see test_partners.py
        if "/1/" not in url and "/documenten/" not in url and not names_a_partner:
            assert console.get(url).status_code in (200, 405), url
