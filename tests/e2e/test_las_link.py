"""A school's automatic LAS link switched on from both sides in Chromium: the coordinator in the
school console, the demo LAS through the connector API; the next run appears in the school's history."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.conf import settings

from klaspoort.accounts.principal import Principal
from klaspoort.laslink.tasks import queue_due_syncs
from klaspoort.roster.models import ImportRun, StaffRole
from tests.e2e.conftest import session_cookie
from tests.laslink.conftest import DemoLas, Vendor, las_server, vendor_a
from tests.roster import factories

__all__ = ["las_server", "vendor_a"]  # fixtures used below
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, platform: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=platform.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_both_sides_switch_the_link_on_and_the_next_run_is_in_the_history(
    page: Any, platform: Any, vendor_a: Vendor, las_server: tuple[DemoLas, str]
) -> None:
    school = factories.school("12AB00", "De Regenboog")
    placement = factories.staff(school, "ict@regenboog.nl", roles=(StaffRole.ICT_COORDINATOR,))
    principal = Principal(kind="staff", person=placement.staff.uuid, school=school.instelling_ref)
    page.context.add_cookies([session_cookie(principal, settings.BASE_URL)])

    page.goto("/schoolbeheer/")
    page.get_by_role("link", name="Koppeling met de LAS").first.click()
    page.get_by_label("Administratiesysteem van de school").select_option(label="LAS A")
    page.get_by_role("button", name="Automatische koppeling aanzetten").click()
    assert page.locator("#link-school").inner_text() == "ja"
    assert page.locator("#link-active").inner_text() == "niet actief: lees de leerlinggegevens zelf in"

    token = base64.b64encode(f"{vendor_a.vendor.client_id}:{vendor_a.secret}".encode()).decode()
    answer = httpx.put(f"{platform.url}/las/v1/schools/12AB00/link", json={"enabled": True},
                       headers={"Authorization": f"Basic {token}"})  # fmt: skip
    assert answer.status_code == 200
    assert answer.json()["active"] is True
    assert queue_due_syncs() == 1  # the tick (eager here: the sync runs in this process)

    page.reload()
    assert page.locator("#link-active").inner_text() == "actief"
    assert page.locator("#link-las").inner_text() == "ja"
    run = ImportRun.objects.get(school=school)
    assert (run.source, run.status) == (ImportRun.Source.AUTOMATIC, ImportRun.Status.APPLIED)
    rows = page.locator("#link-runs tbody tr")
    assert rows.count() == 1
    rows.first.get_by_role("link", name="bekijken").click()
    page.wait_for_url(f"**/schoolbeheer/leerlinggegevens/import/{run.pk}/")
    page.goto("/schoolbeheer/leerlinggegevens/")
    assert page.get_by_text("automatische koppeling", exact=True).count() == 1  # rosters' history page
