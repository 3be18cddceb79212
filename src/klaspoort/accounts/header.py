"""Who is shown in the page header: the school's and the person's name, kept in the session.

The header is on every signed-in page, so it must not cost a query per page. A login already has
the person and the school loaded and stores their names here (`remember_staff` / `remember_pupil`);
a view that loaded the staff placement anyway refreshes them (`remember_staff`), and the header
reads them back with `header_of(request)`. A header older than `FRESH_SECONDS`, or one that belongs
to another principal (a new school chosen), is read again from the database (one query).

The roles in the header only choose which menu items are shown. Every page and action checks
permissions itself (`accounts.permissions`); a stale header can show a link that answers 403.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.http import HttpRequest

from klaspoort.accounts.permissions import staff_placement_for
from klaspoort.accounts.principal import Principal, current_principal
from klaspoort.roster.models import Pupil, StaffPlacement

SESSION_KEY = "kp_header"
FRESH_SECONDS = 300


@dataclass(frozen=True)
class Header:
    """kind "staff" or "pupil"; `picture` is a pupil's identity picture key ("" when unknown)."""

    kind: str
    school: str
    person: str
    roles: tuple[str, ...] = ()
    picture: str = ""


def _owner(principal: Principal) -> str:
    return f"{principal.kind}:{principal.person}:{principal.school}"


def _store(request: HttpRequest, principal: Principal, header: Header) -> None:
    request.session[SESSION_KEY] = {
        "for": _owner(principal),
        "at": int(time.time()),
        "kind": header.kind,
        "school": header.school,
        "person": header.person,
        "roles": list(header.roles),
        "picture": header.picture,
    }


def staff_header(placement: StaffPlacement) -> Header:
    return Header("staff", placement.school.name, placement.staff.full_name, tuple(placement.roles))


def remember_staff(request: HttpRequest, principal: Principal, placement: StaffPlacement) -> None:
    header = staff_header(placement)
    stored = request.session.get(SESSION_KEY)
    if _read(stored, principal, fresh_only=True) != header:
        _store(request, principal, header)


def remember_pupil(request: HttpRequest, principal: Principal, pupil: Pupil, picture: str) -> None:
    _store(request, principal, Header("pupil", pupil.school.name, pupil.first_name, picture=picture))


def _read(stored: object, principal: Principal, *, fresh_only: bool) -> Header | None:
    if not isinstance(stored, dict) or stored.get("for") != _owner(principal):
        return None
    if fresh_only and int(stored.get("at", 0)) < time.time() - FRESH_SECONDS:
        return None
    return Header(
        kind=str(stored.get("kind", "")),
        school=str(stored.get("school", "")),
        person=str(stored.get("person", "")),
        roles=tuple(stored.get("roles") or ()),
        picture=str(stored.get("picture", "")),
    )


def _load(request: HttpRequest, principal: Principal) -> Header | None:
    if principal.kind == "staff":
        placement = staff_placement_for(principal)
        if placement is None:
            return None
        header = staff_header(placement)
    else:
        pupil = (
            Pupil.objects.active_at()
            .filter(uuid=principal.person, school__instelling_ref=principal.school)
            .select_related("school", "pupil_credential")
            .first()
        )
        if pupil is None:
            return None
        credential = getattr(pupil, "pupil_credential", None)
        picture = credential.picture if credential else ""
        header = Header("pupil", pupil.school.name, pupil.first_name, picture=picture)
    _store(request, principal, header)
    return header


def header_of(request: HttpRequest) -> Header | None:
    """The header of the person acting in this session; None when nobody is (or no longer)."""
    principal = current_principal(request)
    if principal is None:
        return None
    return _read(request.session.get(SESSION_KEY), principal, fresh_only=True) or _load(request, principal)
