"""Who is logging in: the staff account with an address and its active placements, in one query.

This runs on every staff login attempt, so its QuerySet is compiled once (`core.compiled`) rather
than built by the ORM each time: `StaffPlacement.objects.active_at(on=today)` of the account's staff
member, with staff, account, two-factor device (or None) and school loaded by `select_related`. The
day is a parameter (placements for a limited time, substitutes: C14), so the statement compiled
today still asks about the right day tomorrow.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from klaspoort.accounts.models import Account
from klaspoort.core import clock
from klaspoort.core.compiled import CompiledQuery, Param
from klaspoort.roster.models import StaffPlacement


def candidate_placements(email: Any, on: Any = None) -> QuerySet[StaffPlacement]:
    """The plain QuerySet behind `active_placements_by_email` (`email` and `on`, the day, may be
    `Param`s; `on` None: today)."""
    return (
        StaffPlacement.objects.active_at(on=on)
        .filter(staff__account__email=email, staff__account__kind=Account.Kind.STAFF)
        .select_related("staff__account__totp_device", "school")
    )


_CANDIDATE = CompiledQuery(
    StaffPlacement,
    lambda: candidate_placements(Param.of(Account, "email"), Param.of(StaffPlacement, "ends_on", "on")),
)


def by_school_name(placement: StaffPlacement) -> tuple[str, int]:
    """Sort key of a person's placements: by school name (the school must be loaded)."""
    return (placement.school.name, placement.school_id)


def active_placements_by_email(address: str) -> tuple[StaffPlacement, ...]:
    """Active placements at active schools of the staff account with this (normalised) address,
    sorted by school name; staff, account, two-factor device (or None) and school come along."""
    placements = _CANDIDATE.fetch(email=address, on=clock.today())
    for placement in placements[1:]:  # one person: one staff member and account for all of them
        placement.staff = placements[0].staff
    return tuple(sorted(placements, key=by_school_name))
