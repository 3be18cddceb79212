"""The nightly job that lets a staged school year take over on its start day."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from klaspoort.jobs import tasks
from klaspoort.jobs.models import JobRun
from klaspoort.registry.actions import do_register_school
from klaspoort.roster.importing.actions import do_import_edexml
from klaspoort.roster.models import Pupil
from tests.roster.importing.conftest import set_today
from tests.roster.importing.documents import as_bytes
from tests.roster.importing.test_staging import next_year, this_year

pytestmark = pytest.mark.django_db


def test_the_job_applies_a_due_staged_year_once(monkeypatch: pytest.MonkeyPatch) -> None:
    set_today(monkeypatch, dt.date(2026, 12, 3))
    school = do_register_school("12AB00", name="De Regenboog")
    current = this_year()
    do_import_edexml(school, as_bytes(current), source="cli")
    do_import_edexml(school, as_bytes(next_year(current)), source="cli")
    set_today(monkeypatch, dt.date(2027, 8, 1))
    assert tasks.switch_school_years.name == "klaspoort.jobs.tasks.switch_school_years"

    call_command("run_job", "switch-school-years", stdout=StringIO())
    call_command("run_job", "switch-school-years", stdout=StringIO())

    assert [run.summary for run in JobRun.objects.order_by("id")] == [
        {"schools": 1, "applied": 1, "not_applied": 0},
        {"schools": 0, "applied": 0, "not_applied": 0},
    ]
    assert Pupil.objects.filter(active=False).count() == 3
