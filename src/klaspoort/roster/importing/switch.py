"""The start of a school year (rule B7): the staged roster of the new year takes over.

The new year's groups and memberships were written when its file was staged, so from the start day
on everything that asks for the year in force (`roster.schoolyears.year_in_force`) sees them. What
remains is what changes for people who are here today: names, pupils and staff who leave (they lose
access then, not earlier), new pupils and staff becoming active. `do_switch_school_years` applies
the staged records through the ordinary import (source "school-year"), once per school; run it
every night shortly after midnight (`klaspoort switch-school-years`); running it again does nothing.
"""

from __future__ import annotations

import datetime as dt

from klaspoort.core import clock
from klaspoort.roster.importing.actions import ImportOutcome, do_import_roster
from klaspoort.roster.models import ImportRun, StagedYear
from klaspoort.roster.schoolyears import year_in_force

ACTOR = "system:school-year"


def due_staged_years(day: dt.date) -> list[StagedYear]:
    pending = StagedYear.objects.filter(
        applied_at__isnull=True, school_year__start_year__lte=day.year
    ).select_related("school", "school_year")
    return [
        staged for staged in pending if year_in_force(staged.school, day) >= staged.school_year.start_year
    ]


def do_switch_school_years(*, today: dt.date | None = None) -> list[ImportOutcome]:
    """Apply every staged year whose start day has come (a held or refused one stays staged and
    its run is in the school's history)."""
    outcomes = []
    for staged in due_staged_years(today or clock.today()):
        outcomes.append(
            do_import_roster(
                staged.school,
                bytes(staged.records),
                source=ImportRun.Source.SCHOOL_YEAR,
                actor=ACTOR,
                file_name=f"schooljaar {staged.school_year.label}",
                allow_mass_removal=staged.mass_removal_allowed,
            )
        )
    return outcomes
