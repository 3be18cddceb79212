"""End-to-end fixtures: Chromium, the live platform, and the two demo publishers as real processes.

The demo publishers (examples/demo_publisher) run once per module on free loopback ports and talk to
the live server over HTTP like real publishers: they verify licence requests and ID tokens against
the platform's JWKS and SAML responses against its metadata (with signxml).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from klaspoort.accounts.principal import SESSION_KEY, Principal
from klaspoort.portal.demo_publishers import DEMO_PUBLISHER_DIR, demo_registration, register_and_tick
from klaspoort.registry.models import SchoolLocation

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the sync Playwright API runs an event loop

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass(frozen=True)
class DemoPublisher:
    mode: str
    port: int
    process: subprocess.Popen[bytes]
    registration: dict[str, object]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def demo_publishers(live_server: Any) -> Iterator[dict[str, DemoPublisher]]:
    """Both demo publishers, started for the live server (their SAML checks need only Python)."""
    started: dict[str, DemoPublisher] = {}
    logs: list[Any] = []
    log_dir = Path(settings.VAR_DIR) / "e2e"
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        for mode in ("oidc", "saml"):
            port = free_port()
            command = [sys.executable, str(DEMO_PUBLISHER_DIR), "--mode", mode, "--port", str(port)]
            log = (log_dir / f"demo-publisher-{mode}-{os.getpid()}.log").open("wb")
            logs.append(log)
            process = subprocess.Popen([*command, "--platform", live_server.url], stdout=log, stderr=log)
            registration = demo_registration(mode, port, live_server.url)
            started[mode] = DemoPublisher(mode, port, process, registration)
        for publisher in started.values():
            _wait_until_up(publisher)
        yield started
    finally:
        for publisher in started.values():
            publisher.process.terminate()
            publisher.process.wait(10)
        for log in logs:
            log.close()


def _wait_until_up(publisher: DemoPublisher) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if publisher.process.poll() is not None:
            pytest.fail(f"demo publisher {publisher.mode} stopped with code {publisher.process.returncode}")
        try:
            if httpx.get(f"{publisher.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    pytest.fail(f"demo publisher {publisher.mode} did not start")


@pytest.fixture
def platform(live_server: Any, settings: Any) -> Any:
    """The live server as issuer, loopback publishers allowed, a private cache per test."""
    settings.BASE_URL = live_server.url
    settings.PORTAL_ALLOW_LOOPBACK_HTTP = True
    settings.PORTAL_LICENCE_TIMEOUT = 2.0
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"e2e-{uuid.uuid4()}",
        }
    }
    return live_server


def register_both(publishers: dict[str, DemoPublisher], school: SchoolLocation) -> None:
    for publisher in publishers.values():
        register_and_tick(publisher.registration, school)


def session_cookie(principal: Principal, platform_url: str) -> dict[str, Any]:
    """A signed-in session for `principal`, as a cookie for the browser (for flows whose login page
    is not what the test is about)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = principal.to_session()
    store.create()
    return {"name": settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": platform_url}


def browser_page(browser: Any, base_url: str, *, locale: str = "nl-NL") -> Iterator[Any]:
    """A page in a fresh browser context (for a `page` fixture: `yield from browser_page(...)`)."""
    context = browser.new_context(base_url=base_url, locale=locale)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page shown (rule id and where)."""
    results = Axe().run(page)
    return [f"{v['id']}: {[node['target'] for node in v['nodes']]}" for v in results.response["violations"]]


def crawl(
    page: Any, start: list[str], follow: Callable[[str], str | None]
) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Visit `start` and every page linked from a visited page that `follow(href)` turns into a
    path (None: not followed); axe-core runs on every HTML page. Returns the status of every path
    visited and the axe violations per path."""
    seen: dict[str, int] = {}
    violations: dict[str, list[str]] = {}
    queue = list(start)
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        response = page.goto(path)
        seen[path] = response.status
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue
        if found := axe_violations(page):
            violations[path] = found
        for href in page.eval_on_selector_all(
            "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"
        ):
            if (target := follow(href)) is not None and target not in seen:
                queue.append(target)
    return seen, violations
