"""The school console's link page: coordinators switch the link; everyone else gets a 403."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from klaspoort.laslink.models import LasLink
from klaspoort.roster.models import ImportRun, StaffPlacement
from tests.accounts.pupils import roster
from tests.laslink.conftest import Vendor
from tests.roster import factories

pytestmark = pytest.mark.django_db


def test_the_coordinator_switches_the_link_on_and_sees_the_automatic_run(
    client: Client, vendor_a: Vendor, coordinators: list[StaffPlacement]
) -> None:
    from klaspoort.laslink import tasks

    placement = coordinators[0]
    roster.sign_in_staff(client, placement)
    page = client.get("/schoolbeheer/koppeling/").content.decode()
    assert '<dd id="link-active">niet actief: lees de leerlinggegevens zelf in</dd>' in page
    response = client.post("/schoolbeheer/koppeling/", {"action": "on", "vendor": "las-a"})
    assert response.status_code == 302
    link = LasLink.objects.get(school=placement.school)
    assert (link.school_enabled, link.las_enabled, link.school_changed_by) == (
        True, False, f"staff:{placement.staff.uuid}",
    )  # fmt: skip
    client.put(f"/las/v1/schools/{placement.school.code}/link", json.dumps({"enabled": True}),
               content_type="application/json", **vendor_a.auth())  # fmt: skip
    assert tasks.queue_due_syncs.delay().get() == 1
    page = client.get("/schoolbeheer/koppeling/").content.decode()
    assert '<dd id="link-active">actief</dd>' in page
    run = ImportRun.objects.get(school=placement.school, source=ImportRun.Source.AUTOMATIC)
    assert f'href="/schoolbeheer/leerlinggegevens/import/{run.pk}/"' in page
    client.post("/schoolbeheer/koppeling/", {"action": "off"})
    assert LasLink.objects.get(pk=link.pk).is_active is False


def test_a_teacher_gets_403_and_changes_nothing(client: Client, vendor_a: Vendor, coordinators: list) -> None:
    teacher = factories.staff(coordinators[0].school, "juf@school.example")
    roster.sign_in_staff(client, teacher)
    assert client.get("/schoolbeheer/koppeling/").status_code == 403
    assert client.post("/schoolbeheer/koppeling/", {"action": "on", "vendor": "las-a"}).status_code == 403
    assert LasLink.objects.count() == 0
