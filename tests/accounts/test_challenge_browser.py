"""Browser test (Playwright + Debian Chromium): after repeated failures the login form carries the
proof-of-work challenge, the browser solves it with our own script, and the right password logs in."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from klaspoort.audit.models import AuditEvent
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD, RequestLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def strict_throttle(settings: Any) -> None:
    """The challenge after three failures; no waits in between, so the test takes seconds."""
    settings.LOGIN_THROTTLE = {"account_challenge_after": 3, "client_delay_after": 100}


@pytest.mark.usefixtures("strict_throttle")
def test_challenge_appears_is_solved_and_the_owner_logs_in(
    browser_page: tuple[Any, RequestLog], teacher: StaffPlacement, live_server: Any
) -> None:
    page, log = browser_page
    page.goto("/login/")
    assert page.locator("[data-kp-challenge]").count() == 0
    for _ in range(3):
        page.get_by_label("E-mailadres").fill("anna.jansen@school.example")
        page.get_by_label("Wachtwoord").fill("helaas-fout-1")
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        assert "horen niet bij elkaar" in page.locator("#form-errors").inner_text()

    box = page.locator("[data-kp-challenge]")
    assert box.count() == 1
    page.wait_for_selector('[data-kp-challenge="done"]', timeout=30_000)
    assert page.get_by_role("status").inner_text() == "Veiligheidscontrole klaar."
    assert page.locator('input[name="altcha"]').input_value() != ""

    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/portal/")
    assert AuditEvent.objects.filter(action="login.succeeded").count() == 1
    assert AuditEvent.objects.filter(action="login.challenge_required").count() == 1

    assert log.hosts() == {urlsplit(live_server.url).netloc}
    assert any(url.endswith("/static/klaspoort/challenge.js") for url in log.urls)


@pytest.mark.usefixtures("strict_throttle")
def test_sending_before_the_challenge_is_solved_waits_for_it(
    browser_page: tuple[Any, RequestLog], teacher: StaffPlacement
) -> None:
    page, _log = browser_page
    for _ in range(3):
        page.goto("/login/")
        page.get_by_label("E-mailadres").fill("anna.jansen@school.example")
        page.get_by_label("Wachtwoord").fill("helaas-fout-1")
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
    # Straight away, before the solver can be done: the form is held back and sent once it is.
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/portal/", timeout=30_000)
