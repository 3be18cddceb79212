"""What the console shows about schools. Reads only; never a pupil's code, picture or name.

schools_page(query, page) -> Page        paginated, the same queries whatever the number of schools
school_overview(ref) -> SchoolOverview | None
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q

from klaspoort.accounts.permissions import is_coordinator
from klaspoort.federation.models import Consent
from klaspoort.laslink.models import LasLink
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, ImportRun, Pupil, StaffPlacement
from klaspoort.twofactor.actions import coordinators_required

PAGE_SIZE = 50


def schools_page(query: str, page: int | str | None) -> Page[SchoolLocation]:
    schools = SchoolLocation.objects.select_related("board").order_by("name", "pk")
    query = query.strip()
    if query:
        code = query.replace(" ", "").upper()
        schools = schools.filter(
            Q(name__icontains=query)
            | Q(brin=code[:4], location_code__startswith=code[4:6])
            | Q(board__number=query)
        )
    return Paginator(schools, PAGE_SIZE).get_page(page)


@dataclass(frozen=True)
class SchoolOverview:
    school: SchoolLocation
    coordinators: list[StaffPlacement]
    staff_count: int
    pupil_count: int
    group_count: int
    imports: list[ImportRun]
    consents: list[Consent]
    coordinators_need_two_factor: bool
    automatic_link: bool

    @property
    def last_import(self) -> ImportRun | None:
        return self.imports[0] if self.imports else None

    @property
    def partners_selected(self) -> list[Consent]:
        return [consent for consent in self.consents if consent.active]


def uses_automatic_link(school: SchoolLocation) -> bool:
    """Whether the school's roster comes in through the automatic link (both sides switched it on)."""
    return LasLink.objects.active().filter(school=school).exists()


def selected_partners(school: SchoolLocation) -> list[Consent]:
    return list(Consent.objects.filter(school=school, active=True).select_related("partner"))


def school_overview(ref: uuid.UUID) -> SchoolOverview | None:
    school = SchoolLocation.objects.filter(instelling_ref=ref).select_related("board").first()
    if school is None:
        return None
    placements = list(StaffPlacement.objects.active_at(school).select_related("staff__account"))
    return SchoolOverview(
        school=school,
        coordinators=sorted((p for p in placements if is_coordinator(p)), key=lambda p: p.staff.email),
        staff_count=len(placements),
        pupil_count=Pupil.objects.active_at(school).count(),
        group_count=Group.objects.in_force().filter(school=school).count(),
        imports=list(ImportRun.objects.filter(school=school).order_by("-started_at", "-id")[:5]),
        consents=list(
            Consent.objects.filter(school=school).select_related("partner").order_by("partner__name")
        ),
        coordinators_need_two_factor=coordinators_required(school),
        automatic_link=uses_automatic_link(school),
    )
