"""Who belongs where, and when: the one definition of "active" and "in force" for the roster.

Every query that asks "is this person (still) at this school / in this group" goes through one of
these QuerySet methods; nothing else in the code writes the conditions out again.

    StaffPlacement.objects.active_at(school=None, on=None)   active placement at an active school
    Pupil.objects.active_at(school=None, on=None)            active pupil of an active school
    Group.objects.in_force(on=None)                          active group of the school year in force
    Group.objects.in_year(start_year)                        active group of a given school year
    Group.objects.active()                                   active group of any school year
    Group.objects.of_year(start_year) / up_to_year(...)      any group of that year / of that year or before
    PupilMembership.objects.in_force(on=None)                active pupil in a group in force
    PupilMembership.objects.of_active_pupils(on=None)        active pupil, group already known in force
    StaffMembership.objects.in_force(on=None)                active placement in a group in force
    StaffMembership.objects.in_year(start_year, on=None)     … in a group of a given school year
    PupilMembership / StaffMembership .of_year(start_year)   every membership in a group of that year
                                                             (active or not: what an import compares)

Placements and staff memberships may have days of their own (`within_days_q`): a substitute's
(C14) count only from their first to their last day.

`on` is the day asked about (default: today, `core.clock.today`); the school year in force is the
one that day lies in at the group's school (`roster.schoolyears.in_force_years`: from 1 August,
or from the day the school chose). A placement or staff membership for a limited time (a
substitute teacher, C14) counts only from its `starts_on` to its `ends_on` (both days included;
empty: no limit), so it ends by itself at the end of its last day, decided here at query time.
`on` may also be an expression (`core.compiled.Param`) for those day limits, in a query compiled
once; the school year in force needs a real day (compiled queries take `in_year` and a key).
`school` is a `SchoolLocation` or its primary key; None means any school.

Each rule also exists as a `*_q(prefix, on)` function giving the same condition as a `Q` for a relation path
(`"placement__"`), so queries that start at another model state the rule through it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Expression, Q

from klaspoort.core import clock

if TYPE_CHECKING:
    from klaspoort.registry.models import SchoolLocation
    from klaspoort.roster.models import Group, Pupil, PupilMembership, StaffMembership, StaffPlacement  # noqa: F401 (base-class parameters)
    from klaspoort.roster.schoolyears import YearsInForce


Day = dt.date | Expression


def within_days_q(prefix: str = "", on: Day | None = None) -> Q:
    """`on` lies within the row's own days: `starts_on` to `ends_on`, both included, either empty
    for no limit (placements and staff memberships for a limited time: substitutes, C14)."""
    day = clock.today() if on is None else on
    return (Q(**{f"{prefix}starts_on__isnull": True}) | Q(**{f"{prefix}starts_on__lte": day})) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


def placement_active_q(prefix: str = "", on: Day | None = None) -> Q:
    """An active placement at an active school, within its own days on `on` (if it has any)."""
    return Q(**{f"{prefix}active": True, f"{prefix}school__active": True}) & within_days_q(prefix, on)


def staff_membership_q(prefix: str = "", on: Day | None = None) -> Q:
    """A staff membership within its own days and of an active placement, on `on` (the group's
    school year is the caller's: `group_in_force_q` or `group_in_year_q`)."""
    return within_days_q(prefix, on) & placement_active_q(f"{prefix}placement__", on)


def pupil_active_q(prefix: str = "", on: dt.date | None = None) -> Q:
    """An active pupil of an active school (`on`: no pupil field depends on the day yet)."""
    return Q(**{f"{prefix}active": True, f"{prefix}school__active": True})


def group_active_q(prefix: str = "") -> Q:
    """An active group (of whatever school year)."""
    return Q(**{f"{prefix}active": True})


def group_of_year_q(prefix: str, start_year: int) -> Q:
    """A group of the school year starting in `start_year`, active or not."""
    return Q(**{f"{prefix}school_year__start_year": start_year})


def group_in_year_q(prefix: str, start_year: int) -> Q:
    """An active group of the school year starting in `start_year`."""
    return group_active_q(prefix) & group_of_year_q(prefix, start_year)


def group_in_force_q(prefix: str = "", on: dt.date | None = None) -> Q:
    """An active group of the school year in force on `on` at its school (`roster.schoolyears`:
    1 August, or the day the school chose)."""
    from klaspoort.roster.schoolyears import in_force_years

    return group_in_years_q(prefix, in_force_years(on))


def group_in_years_q(prefix: str, years: YearsInForce) -> Q:
    """An active group of the school year in force at its school, for the years in force of a day
    (`schoolyears.in_force_years(on)`; what `group_in_force_q` asks for that day)."""
    if not years.schools:
        return group_in_year_q(prefix, years.usual)
    own_day = Q(**{f"{prefix}school__in": sorted(years.schools)})
    return (group_in_year_q(prefix, years.usual) & ~own_day) | (
        group_in_year_q(prefix, years.other) & own_day
    )


def _school_q(prefix: str, school: SchoolLocation | int | None) -> Q:
    if school is None:
        return Q()
    return Q(**{f"{prefix}school": school})


class StaffPlacementQuerySet(models.QuerySet["StaffPlacement"]):
    def active_at(self, school: SchoolLocation | int | None = None, *, on: Day | None = None) -> Self:
        """Active placements at active schools within their own days (at `school` only, when given)."""
        return self.filter(placement_active_q(on=on), _school_q("", school))


class PupilQuerySet(models.QuerySet["Pupil"]):
    def active_at(self, school: SchoolLocation | int | None = None, *, on: dt.date | None = None) -> Self:
        """Active pupils of active schools (of `school` only, when given)."""
        return self.filter(pupil_active_q(on=on), _school_q("", school))


class GroupQuerySet(models.QuerySet["Group"]):
    def in_force(self, *, on: dt.date | None = None) -> Self:
        """Active groups of the school year in force on `on`."""
        return self.filter(group_in_force_q(on=on))

    def in_year(self, start_year: int) -> Self:
        """Active groups of the school year starting in `start_year` (exports of a given year)."""
        return self.filter(group_in_year_q("", start_year))

    def active(self) -> Self:
        """Active groups of any school year (the newest year a school imported)."""
        return self.filter(group_active_q())

    def of_year(self, start_year: int) -> Self:
        """Every group of the school year starting in `start_year`, active or not (an import's diff)."""
        return self.filter(group_of_year_q("", start_year))

    def up_to_year(self, start_year: int) -> Self:
        """Groups of the school year starting in `start_year` or an earlier one (not a staged year)."""
        return self.filter(school_year__start_year__lte=start_year)


class PupilMembershipQuerySet(models.QuerySet["PupilMembership"]):
    def in_force(self, *, on: dt.date | None = None) -> Self:
        """Active pupils of active schools in active groups of the school year in force."""
        return self.filter(pupil_active_q("pupil__", on), group_in_force_q("group__", on))

    def in_year(self, start_year: int) -> Self:
        """Active pupils of active schools in active groups of school year `start_year` (for a
        caller that already knows the year in force at its school: `schoolyears.year_in_force`)."""
        return self.filter(pupil_active_q("pupil__"), group_in_year_q("group__", start_year))

    def of_year(self, start_year: int) -> Self:
        """Every membership in a group of school year `start_year`, whatever the pupil's or the
        group's state (what an import compares the file with)."""
        return self.filter(group_of_year_q("group__", start_year))

    def of_active_pupils(self, *, on: dt.date | None = None) -> Self:
        """Memberships of active pupils of active schools, in whatever group: for a group the caller
        already found in force (one join fewer on the pupil login grid)."""
        return self.filter(pupil_active_q("pupil__", on))


class StaffMembershipQuerySet(models.QuerySet["StaffMembership"]):
    def in_force(self, *, on: dt.date | None = None) -> Self:
        """Active placements at active schools in active groups of the school year in force, each
        (membership and placement) within its own days."""
        return self.filter(staff_membership_q("", on), group_in_force_q("group__", on))

    def in_year(self, start_year: int, *, on: Day | None = None) -> Self:
        """Active placements at active schools in active groups of school year `start_year`, each
        within its own days on `on`."""
        return self.filter(staff_membership_q("", on), group_in_year_q("group__", start_year))

    def of_year(self, start_year: int) -> Self:
        """Every membership in a group of school year `start_year`, whatever its state."""
        return self.filter(group_of_year_q("group__", start_year))
