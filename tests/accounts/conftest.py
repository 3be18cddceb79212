"""Fixtures for account tests: schools, staff with placements, accounts with known passwords."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from klaspoort.accounts.models import Account
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffMember, StaffPlacement
from tests.roster import factories

PASSWORD = "zonnebloem42"

MakeStaff = Callable[..., StaffPlacement]


@pytest.fixture
def fast_hasher(settings: Any) -> None:
    """Cheap hashing for tests that are not about hashing (Argon2 costs ~tens of ms per call)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def empty_cache(db: None) -> Iterator[None]:
    """The shared cache (rate limits) starts and ends empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def school(db: None) -> SchoolLocation:
    return factories.school("12AB00", "De Regenboog")


@pytest.fixture
def other_school(db: None) -> SchoolLocation:
    return factories.school("34CD00", "De Klimop")


def _make_staff(
    school: SchoolLocation,
    email: str = "anna.jansen@school.example",
    *,
    roles: Sequence[str] = ("teacher",),
    password: str | None = PASSWORD,
    first_name: str = "Anna",
    surname: str = "Jansen",
    active: bool = True,
) -> StaffPlacement:
    known = StaffMember.objects.filter(email=email).exists()
    account = None if known else Account.objects.create_user(email, password, kind="staff", is_active=active)
    return factories.staff(
        school,
        email,
        roles=roles,
        first_name=first_name,
        surname=surname,
        account=account,
        las_key=f"{email}-key",
    )


@pytest.fixture
def make_staff(db: None, fast_hasher: None) -> MakeStaff:
    """Staff with a placement and an account; uses the fast hasher (tests about hashing make their own)."""
    return _make_staff


@pytest.fixture
def teacher(school: SchoolLocation, make_staff: MakeStaff) -> StaffPlacement:
    return make_staff(school)


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    """Headless Debian Chromium through Playwright (never `playwright install`)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the sync Playwright API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


class RequestLog:
    """Every URL a page asked for, to prove no third-party host is contacted."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def hosts(self) -> set[str]:
        return {urlsplit(url).netloc for url in self.urls if urlsplit(url).scheme in ("http", "https")}

    def schemes(self) -> set[str]:
        return {urlsplit(url).scheme for url in self.urls}


@pytest.fixture
def browser_page(browser: Any, live_server: Any) -> Iterator[tuple[Any, RequestLog]]:
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    log = RequestLog()
    context.on("request", lambda request: log.urls.append(request.url))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page, log
    context.close()
