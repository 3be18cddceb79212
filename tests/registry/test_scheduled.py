"""The monthly register import (A1): from a path or a URL in KLASPOORT_REGISTER_SOURCE, through the
same import as the console's upload, recorded as a job run; a bad file changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from klaspoort.jobs.models import JobRun
from klaspoort.jobs.schedule import SCHEDULE
from klaspoort.jobs.tasks import import_register
from klaspoort.registry.duo_sample import SampleLocation, sample_register
from klaspoort.registry.models import RegisterImport, RegisterLocation
from klaspoort.registry.scheduled import SourceError, import_register_from_source, read_source

pytestmark = pytest.mark.django_db

LOCATIONS = [SampleLocation("12AB00", "De Eekhoorn", board="41234"), SampleLocation("34CD00", "De Klimop")]


def test_the_schedule_runs_it_monthly() -> None:
    entry = SCHEDULE["register-import"]
    assert entry["task"] == "klaspoort.jobs.tasks.import_register"
    assert (entry["schedule"].day_of_month, entry["schedule"].hour, entry["schedule"].minute) == (
        {3},
        {2},
        {40},
    )


def test_the_job_imports_the_file_at_the_configured_path(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "vestigingen.csv"
    path.write_bytes(sample_register(LOCATIONS))
    settings.REGISTER_SOURCE = str(path)
    job = JobRun.objects.get(pk=import_register.apply().get())
    assert (job.job, job.outcome) == ("register-import", JobRun.Outcome.OK)
    assert job.summary["applied"] == 1
    assert job.summary["problems"] == 0
    run = RegisterImport.objects.get()
    assert (run.status, run.file_name, run.actor) == (
        "applied",
        "vestigingen.csv",
        "schedule:register-import",
    )
    assert sorted(RegisterLocation.objects.values_list("brin", "location_code")) == [
        ("12AB", "00"),
        ("34CD", "00"),
    ]


def test_a_url_is_fetched_and_a_bad_file_changes_nothing(settings: Any) -> None:
    bad = sample_register([*LOCATIONS, SampleLocation("12AB00", "Dubbel")])
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=bad)

    settings.REGISTER_SOURCE = "https://duo.example/open-data/vestigingen-po.csv"
    summary = import_register_from_source(client=httpx.Client(transport=httpx.MockTransport(answer)))
    assert seen == ["https://duo.example/open-data/vestigingen-po.csv"]
    assert summary["refused"] == 1
    assert summary["problems"] >= 1
    assert RegisterImport.objects.get().file_name == "vestigingen-po.csv"
    assert RegisterLocation.objects.count() == 0


def test_not_configured_does_nothing(settings: Any) -> None:
    settings.REGISTER_SOURCE = ""
    assert import_register_from_source() == {"not_configured": 1}
    assert RegisterImport.objects.count() == 0


def test_an_unreachable_source_fails_the_job_and_changes_nothing(settings: Any, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="unreadable"):
        read_source(str(tmp_path / "missing.csv"))
    refused = httpx.Client(transport=httpx.MockTransport(lambda _request: httpx.Response(503)))
    with pytest.raises(SourceError, match="answered 503"):
        read_source("https://duo.example/x.csv", client=refused)
    settings.REGISTER_SOURCE = str(tmp_path / "missing.csv")
    result = import_register.apply()
    assert result.failed()
    assert JobRun.objects.get().outcome == JobRun.Outcome.FAILED
    assert RegisterImport.objects.count() == 0
