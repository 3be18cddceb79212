from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from klaspoort.core import clock
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.edexml.document import EdexDocument
from klaspoort.roster.importing.actions import ImportOutcome, do_import_edexml
from klaspoort.roster.models import ImportRun
from klaspoort.roster.schoolyears import forget_start_dates
from tests.roster.importing.documents import as_bytes

Importer = Callable[..., ImportOutcome]


@pytest.fixture
def school(db: Any) -> SchoolLocation:
    return do_register_school("12AB00", name="De Regenboog")


@pytest.fixture
def run_import(school: SchoolLocation) -> Importer:
    """Import a document (written as EDEXML 2.1 and read back) into the school."""

    def run(doc: EdexDocument, target: SchoolLocation | None = None, **options: Any) -> ImportOutcome:
        return do_import_edexml(
            target or school, as_bytes(doc), source=ImportRun.Source.CLI, actor="test", **options
        )

    return run


def set_today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Move the platform's clock (`core.clock`) to 9:30 on `day`."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    monkeypatch.setattr(clock, "today", lambda: day)
    monkeypatch.setattr(clock, "now", lambda: moment)
    forget_start_dates()  # the schools' own start days are kept a minute per process
