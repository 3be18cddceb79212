"""Receivers of roster signals (connected in `AccountsConfig.ready`).

staff_added          → inactive accounts for new staff and their activation mails (batched)
staff_access_removed → end sessions at once (B5): every session of people left without any active
                       placement, and sessions working at that school of the others
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from klaspoort.accounts.sessions import end_sessions
from klaspoort.accounts.staff import ensure_staff_accounts, send_activation_mails
from klaspoort.audit.events import record_event
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffMember, StaffPlacement


def on_staff_added(
    sender: Any, school: SchoolLocation, staff_uuids: Iterable[uuid.UUID], **kwargs: Any
) -> None:
    members = list(StaffMember.objects.filter(uuid__in=list(staff_uuids)).select_related("account"))
    created = {account.pk for account in ensure_staff_accounts(members)}
    send_activation_mails(
        ((member.account, member) for member in members if member.account and member.account.pk in created),
        school=school,
        actor="import",
    )


def on_staff_access_removed(
    sender: Any, school: SchoolLocation, staff_uuids: Iterable[uuid.UUID], **kwargs: Any
) -> None:
    members = list(
        StaffMember.objects.filter(uuid__in=list(staff_uuids), account__isnull=False).values_list(
            "pk", "account_id"
        )
    )
    if not members:
        return
    still_placed = set(
        StaffPlacement.objects.active_at()
        .filter(staff_id__in=[pk for pk, _ in members])
        .values_list("staff_id", flat=True)
    )
    gone = [account_id for pk, account_id in members if pk not in still_placed]
    elsewhere = [account_id for pk, account_id in members if pk in still_placed]
    ended = end_sessions(gone) + end_sessions(elsewhere, school_ref=school.instelling_ref)
    record_event(
        "sessions.ended",
        actor="import",
        subject=f"school:{school.code}",
        school_ref=school.instelling_ref,
        reason="access_removed",
        count=ended,
    )
