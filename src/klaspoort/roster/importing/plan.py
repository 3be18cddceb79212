"""The plan: everything an EDEXML document would change in a school's roster. A pure function of
the document and the current roster (`snapshot.CurrentRoster`); no database, no clock.

The plan covers the file's school year: that year's groups, every pupil of the school, the staff
placements at the school. `make_plan` first checks that the file is for this school (brin +
dependancecode; a file with only a brincode means location 00; a Flemish file only when the school
is registered with that instellingsnummer; a file that names the school only by schoolkey cannot be
checked and is refused) and not for an older school year than the one in force (or already
imported), nor for a year after the next one.

A plan for a later year than the one in force is *staged* (`Plan.staged`): `apply.apply_plan` then
writes only that year's groups and memberships, and pupils and staff new that year as inactive;
everything else it would change for people here today waits for the start day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from klaspoort.core.codes import school_year_label
from klaspoort.core.i18n.texts import deferred
from klaspoort.roster.edexml.document import EdexDocument, EdexSchool, Problem
from klaspoort.roster.importing.changes import GroupOps, PupilOps, SkippedStaff, StaffOps, Tally
from klaspoort.roster.importing.diff_groups import diff_groups
from klaspoort.roster.importing.diff_pupils import diff_pupils
from klaspoort.roster.importing.diff_staff import diff_staff
from klaspoort.roster.importing.snapshot import CurrentRoster, SchoolIdentity


@dataclass
class Plan:
    school_code: str
    start_year: int
    groups: Tally = field(default_factory=Tally)
    pupils: Tally = field(default_factory=Tally)
    staff: Tally = field(default_factory=Tally)
    skipped_staff: list[SkippedStaff] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    group_ops: GroupOps = field(default_factory=GroupOps)
    pupil_ops: PupilOps = field(default_factory=PupilOps)
    staff_ops: StaffOps = field(default_factory=StaffOps)
    active_pupils: int = 0  # before the import
    active_staff: int = 0  # active teacher placements before the import
    staged: bool = False  # for a later school year than the one in force: takes effect on its start day

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def has_changes(self) -> bool:
        return self.groups.touched or self.pupils.touched or self.staff.touched

    def counts(self) -> dict[str, dict[str, int]]:
        return {"groups": self.groups.counts(), "pupils": self.pupils.counts(), "staff": self.staff.counts()}


def _file_school(school: EdexSchool) -> str:
    return f"{school.brin}{school.location_code or '00'}"


def check_school(school: EdexSchool, target: SchoolIdentity) -> list[Problem]:
    """Problems when the file is not about `target` (empty when it is)."""
    if school.brin:
        code = _file_school(school)
        if code == target.code:
            return []
        return [
            Problem(
                0,
                deferred(
                    "Dit bestand is van school %(file_school)s, niet van %(school)s. Kies het bestand "
                    "van deze "
                    "school, of importeer het bij school %(file_school)s.",
                    file_school=code,
                    school=target.code,
                ),
            )
        ]
    if school.instellingsnummer:
        if target.instellingsnummer and school.instellingsnummer == target.instellingsnummer:
            return []
        return [
            Problem(
                0,
                deferred(
                    "Dit is een Vlaams bestand (instellingsnummer %(number)s); school %(school)s is niet "
                    "met dat "
                    "instellingsnummer geregistreerd. Vraag de helpdesk om het instellingsnummer bij de "
                    "school "
                    "vast te leggen.",
                    number=school.instellingsnummer,
                    school=target.code,
                ),
            )
        ]
    if school.schoolkey:
        return [
            Problem(
                0,
                deferred(
                    "Het bestand noemt de school alleen met een schoolkey ('%(schoolkey)s'), zonder "
                    "brincode. "
                    "Daarmee is niet na te gaan of het bestand van deze school is; maak in het "
                    "administratiesysteem een export met brincode en dependancecode.",
                    schoolkey=school.schoolkey,
                ),
            )
        ]
    return [Problem(0, deferred("Het bestand noemt geen school (brincode ontbreekt)."))]


def _check_year(doc: EdexDocument, current: CurrentRoster) -> list[Problem]:
    newest, in_force = current.newest_year, current.in_force_year
    if in_force is not None and doc.school.start_year > in_force + 1:
        return [
            Problem(
                0,
                deferred(
                    "Dit bestand is voor schooljaar %(year)s; nu loopt %(in_force)s. Alleen het volgende "
                    "schooljaar (%(next)s) kan al worden ingelezen.",
                    year=doc.school.school_year,
                    in_force=school_year_label(in_force),
                    next=school_year_label(in_force + 1),
                ),
            )
        ]
    if newest is not None and newest > doc.school.start_year:
        return [
            Problem(
                0,
                deferred(
                    "Dit bestand is voor schooljaar %(year)s, maar school %(school)s heeft al een "
                    "rooster voor "
                    "%(newest)s. Een ouder schooljaar wordt niet meer ingelezen.",
                    year=doc.school.school_year,
                    school=current.school.code,
                    newest=school_year_label(newest),
                ),
            )
        ]
    if in_force is not None and in_force > doc.school.start_year:
        return [
            Problem(
                0,
                deferred(
                    "Dit bestand is voor schooljaar %(year)s, maar dat schooljaar is voorbij: nu loopt "
                    "%(in_force)s. Een ouder schooljaar wordt niet meer ingelezen.",
                    year=doc.school.school_year,
                    in_force=school_year_label(in_force),
                ),
            )
        ]
    return []


def make_plan(doc: EdexDocument, current: CurrentRoster, *, now: dt.datetime) -> Plan:
    """The diff between `doc` and `current` (which must be loaded for `doc`'s school year).
    A plan with errors changes nothing."""
    plan = Plan(school_code=current.school.code, start_year=doc.school.start_year)
    plan.staged = current.in_force_year is not None and doc.school.start_year > current.in_force_year
    plan.errors = check_school(doc.school, current.school) or _check_year(doc, current)
    if plan.errors:
        return plan
    warnings: list[Problem] = []
    groups = diff_groups(doc.groups, current.groups, warnings)
    pupils = diff_pupils(doc.pupils, current.pupils, groups.key_of, warnings)
    staff = diff_staff(doc.staff, current.members, current.placements, groups.key_of, warnings, now=now)
    plan.groups, plan.group_ops = groups.tally, groups.ops
    plan.pupils, plan.pupil_ops = pupils.tally, pupils.ops
    plan.staff, plan.staff_ops, plan.skipped_staff = staff.tally, staff.ops, staff.skipped
    plan.active_pupils = sum(1 for pupil in current.pupils if pupil.active)
    plan.active_staff = staff.active
    plan.warnings = warnings
    return plan
