"""Who is logging in: the staff account with an address and its active placements, in one query.

This runs on every staff login attempt, so its SELECT is written out (`core.rows`) rather than built
by the ORM each time; it returns the same objects `StaffPlacement.objects.filter(...)
.select_related("staff__account__totp_device", "school")` would, with every relation cached.
"""

from __future__ import annotations

from typing import cast

from django.db import connection
from django.db.models import ForeignObjectRel

from klaspoort.accounts.models import Account
from klaspoort.core.rows import ModelColumns, SqlText, fetch_rows
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffMember, StaffPlacement
from klaspoort.twofactor.models import TotpDevice

PLACEMENT = ModelColumns(StaffPlacement, "p")
STAFF = ModelColumns(StaffMember, "s")
ACCOUNT = ModelColumns(Account, "a")
SCHOOL = ModelColumns(SchoolLocation, "sc")
DEVICE = ModelColumns(TotpDevice, "t")
_CANDIDATE = SqlText(
    lambda c: (
        f"SELECT {PLACEMENT.select(c)}, {STAFF.select(c)}, {ACCOUNT.select(c)}, {SCHOOL.select(c)}, "  # noqa: S608
        f"{DEVICE.select(c)} FROM {PLACEMENT.table(c)}"
        f"{STAFF.joined_on(c, PLACEMENT, 'staff')}"
        f"{ACCOUNT.joined_on(c, STAFF, 'account')}"
        f"{SCHOOL.joined_on(c, PLACEMENT, 'school')}"
        f" LEFT OUTER JOIN {DEVICE.table(c)} ON {DEVICE.column(c, 'account')} = {ACCOUNT.column(c, 'id')}"
        f" WHERE {ACCOUNT.column(c, 'email')} = %s AND {ACCOUNT.column(c, 'kind')} = %s"
        f" AND {PLACEMENT.column(c, 'active')} = %s AND {SCHOOL.column(c, 'active')} = %s"
    )
)


_STAFF_OF_PLACEMENT = StaffPlacement._meta.get_field("staff")
_SCHOOL_OF_PLACEMENT = StaffPlacement._meta.get_field("school")
_ACCOUNT_OF_STAFF = StaffMember._meta.get_field("account")
_STAFF_OF_ACCOUNT = cast(ForeignObjectRel, Account._meta.get_field("staff_member"))
_DEVICE_OF_ACCOUNT = cast(ForeignObjectRel, Account._meta.get_field("totp_device"))
_ACCOUNT_OF_DEVICE = TotpDevice._meta.get_field("account")


def by_school_name(placement: StaffPlacement) -> tuple[str, int]:
    """Sort key of a person's placements: by school name (the school must be loaded)."""
    return (placement.school.name, placement.school_id)


def active_placements_by_email(address: str) -> tuple[StaffPlacement, ...]:
    """Active placements at active schools of the staff account with this (normalised) address,
    sorted by school name; staff, account, two-factor device (or None) and school come along."""
    rows = fetch_rows(
        connection, _CANDIDATE.text(connection), [address, Account.Kind.STAFF.value, True, True]
    )
    if not rows:
        return ()
    first = rows[0]
    offset = PLACEMENT.width + STAFF.width
    account = ACCOUNT.build(first, offset, connection)
    staff = STAFF.build(first, PLACEMENT.width, connection)
    device = DEVICE.build_optional(first, offset + ACCOUNT.width + SCHOOL.width, connection)
    _ACCOUNT_OF_STAFF.set_cached_value(staff, account)
    _STAFF_OF_ACCOUNT.set_cached_value(account, staff)
    _DEVICE_OF_ACCOUNT.set_cached_value(account, device)
    if device is not None:
        _ACCOUNT_OF_DEVICE.set_cached_value(device, account)
    placements = []
    for row in rows:
        placement = PLACEMENT.build(row, 0, connection)
        school = SCHOOL.build(row, offset + ACCOUNT.width, connection)
        _STAFF_OF_PLACEMENT.set_cached_value(placement, staff)
        _SCHOOL_OF_PLACEMENT.set_cached_value(placement, school)
        placements.append(placement)
    placements.sort(key=by_school_name)
    return tuple(placements)
