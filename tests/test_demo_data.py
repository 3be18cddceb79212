from __future__ import annotations

import pytest
from django.test import Client

from klaspoort import demo_data
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.models import Pupil, StaffPlacement

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once_and_stays_off_the_front_door(client: Client) -> None:
    do_register_school("99DM00", name="Demoschool De Klaproos")

    first = demo_data.load("99DM00")
    second = demo_data.load("99DM00")

    assert first.status == second.status == "applied"
    assert second.plan is not None
    assert not second.plan.has_changes
    assert Pupil.objects.filter(active=True).count() == demo_data.DEMO_PUPILS
    assert StaffPlacement.objects.filter(active=True).count() > 10
    page = client.get("/").content.decode()
    assert "Demoschool De Klaproos" not in page  # anonymous visitors see no school (issue 11)
    assert "99DM00" not in page


def test_demo_data_needs_a_registered_school() -> None:
    with pytest.raises(LookupError):
        demo_data.load("99DM01")
