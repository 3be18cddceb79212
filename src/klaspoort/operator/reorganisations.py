"""Mergers and splits of school locations (A8): the preview of who goes where, and carrying it out.

    preview_merger(sources, code=, name=) -> Preview      several locations into one new location
    preview_split(source, parts) -> Preview               one location into several new locations
    carry_out(preview, effective_on=, actor=) -> dict     inside the caller's transaction, schools locked

Pupils and staff keep their rows (and so their uuids): every partner's pairwise `sub` is derived from
the partner's sector and the person's uuid only (`federation.pseudonyms`), so it is the same before
and after. The new locations get new references; the old ones are closed, their references retired,
and their shortcut lists where the school went (`registry.SchoolSuccession`). The automatic LAS link
of the old locations is paused (`LasLink.paused_at`) and the import of a closed school is refused.

A preview lists its problems; one with problems is never carried out: a merger whose schools share
LAS keys (one of the two pupils would be left without a school), a school with a staged next school
year, a split that leaves a group or a pupil without a new location or divides a group ambiguously.
Reads only a fixed number of queries per school, whatever the number of pupils.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from klaspoort.accounts.models import AccountSession
from klaspoort.accounts.pupils.card_keys import forget_school
from klaspoort.accounts.sessions import end_sessions_where
from klaspoort.audit.events import record_event
from klaspoort.core.actors import SystemActor
from klaspoort.core.clock import now
from klaspoort.core.codes import CodeError, split_school_code
from klaspoort.federation.actions import do_grant_consent
from klaspoort.federation.models import Consent
from klaspoort.laslink.actions import do_pause_links
from klaspoort.laslink.models import LasLink
from klaspoort.registry.actions import do_register_school
from klaspoort.registry.models import RetiredInstellingRef, SchoolLocation, SchoolSuccession
from klaspoort.roster import reorganise
from klaspoort.roster.importing.locking import lock_school
from klaspoort.roster.models import (
    Group,
    PreparedImport,
    Pupil,
    PupilMembership,
    StaffMembership,
    StaffPlacement,
    StagedYear,
)
from klaspoort.roster.schoolyears import year_in_force
from klaspoort.schooladmin.actions import NetworkCarry, do_carry_over_network, network_carry
from klaspoort.twofactor.actions import coordinators_required, do_set_coordinator_requirement

MERGER, SPLIT = "merger", "split"


class ReorganisationRefused(ValueError):
    """The merger or split cannot be carried out; `problems` says why (Dutch, for the operator)."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Part:
    """One new location of a split: its code, its name and the groups (uuids) that go there."""

    code: str
    name: str
    groups: tuple[uuid.UUID, ...] = ()


@dataclass
class Destination:
    code: str
    name: str
    groups: list[Group] = field(default_factory=list)  # in force, shown in the preview
    group_ids: set[int] = field(default_factory=set)  # everything that moves (a merger: every year)
    pupil_ids: set[int] = field(default_factory=set)
    staff: list[StaffPlacement] = field(default_factory=list)

    @property
    def pupil_count(self) -> int:
        return len(self.pupil_ids)

    @property
    def group_names(self) -> list[str]:
        return sorted(group.name for group in self.groups)

    @property
    def staff_names(self) -> list[str]:
        return sorted(placement.staff.full_name or placement.staff.email for placement in self.staff)


@dataclass
class Preview:
    kind: str
    sources: list[SchoolLocation]
    destinations: list[Destination]
    problems: list[str] = field(default_factory=list)
    partners_kept: list[Consent] = field(default_factory=list)  # the categories every source gave
    partners_dropped: list[str] = field(default_factory=list)  # selected by some sources only
    linked: list[str] = field(default_factory=list)  # codes of sources with an automatic link
    staff_moves: list[tuple[StaffPlacement, dict[int, set[int]]]] = field(default_factory=list)
    network: NetworkCarry = field(default_factory=NetworkCarry)  # given to every new location

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def pupil_count(self) -> int:
        return sum(destination.pupil_count for destination in self.destinations)

    def spec(self) -> dict[str, object]:
        """What is stored for a planned merger or split (`Reorganisation.spec`)."""
        return {
            "sources": [str(school.instelling_ref) for school in self.sources],
            "parts": [
                {"code": d.code, "name": d.name, "groups": sorted(str(g.uuid) for g in d.groups)}
                for d in self.destinations
            ],
        }


def _code_problems(codes: Sequence[str]) -> list[str]:
    problems = []
    seen: set[str] = set()
    for code in codes:
        try:
            brin, location_code = split_school_code(code)
        except CodeError as exc:
            problems.append(str(exc))
            continue
        full = brin + location_code
        if full in seen:
            problems.append(_("De code %(code)s staat er twee keer in.") % {"code": full})
        seen.add(full)
        taken = SchoolLocation.objects.filter(brin=brin, location_code=location_code).first()
        if taken is not None:
            problems.append(
                _("De code %(code)s is al in gebruik (%(name)s); een nieuwe locatie krijgt een nieuwe code.")
                % {"code": full, "name": taken.name}
            )
    return problems


def _source_problems(sources: Sequence[SchoolLocation]) -> list[str]:
    problems = []
    for school in sources:
        if not school.active:
            problems.append(
                _("%(code)s %(name)s is niet actief.") % {"code": school.code, "name": school.name}
            )
    staged = StagedYear.objects.filter(school__in=sources, applied_at__isnull=True).select_related("school")
    for year in staged:
        problems.append(
            _(
                "%(code)s heeft een klaargezet volgend schooljaar: die leerlingen zouden zonder school "
                "komen te zitten. Wacht tot het begint, of importeer eerst opnieuw."
            )
            % {"code": year.school.code}
        )
    return problems


def _consents(sources: Sequence[SchoolLocation]) -> tuple[list[Consent], list[str]]:
    """The partners every source selected, with the categories all of them gave; and the names of
    partners only some selected (not carried over: the new school's coordinator decides)."""
    by_partner: dict[int, list[Consent]] = defaultdict(list)
    for consent in Consent.objects.filter(school__in=sources, active=True).select_related("partner"):
        by_partner[consent.partner_id].append(consent)
    kept, dropped = [], []
    for consents in by_partner.values():
        if len(consents) < len(sources):
            dropped.append(consents[0].partner.name)
            continue
        kept.append(
            Consent(
                partner=consents[0].partner,
                active=True,
                names=all(c.names for c in consents),
                eck_id=all(c.eck_id for c in consents),
            )
        )
    return sorted(kept, key=lambda c: c.partner.name), sorted(dropped)


def _placements(sources: Sequence[SchoolLocation]) -> list[StaffPlacement]:
    return list(
        StaffPlacement.objects.filter(school__in=sources, active=True)
        .select_related("staff")
        .order_by("school_id", "pk")
    )


def _linked(sources: Sequence[SchoolLocation]) -> list[str]:
    links = LasLink.objects.filter(school__in=sources, paused_at__isnull=True).select_related("school")
    return sorted(link.school.code for link in links)


def in_force_groups(school: SchoolLocation) -> list[Group]:
    return list(Group.objects.in_year(year_in_force(school)).filter(school=school).order_by("name", "pk"))


def preview_merger(sources: Sequence[SchoolLocation], *, code: str, name: str) -> Preview:
    sources = list(dict.fromkeys(sources))
    destination = Destination(code=code.strip().upper(), name=name.strip())
    preview = Preview(MERGER, sources, [destination])
    if len(sources) < 2:
        preview.problems.append(_("Kies minstens twee scholen om samen te voegen."))
    if not destination.name:
        preview.problems.append(_("Geef de naam van de nieuwe locatie op."))
    preview.problems += _code_problems([destination.code]) + _source_problems(sources)
    for collision in reorganise.key_collisions(sources):
        preview.problems.append(
            {
                "pupil": _(
                    "De leerling-sleutel %(key)s komt in meer dan één school voor: een van die "
                    "leerlingen zou zonder school komen te zitten. Laat de LAS-sleutels eerst gelijktrekken."
                ),
                "staff": _("De medewerker-sleutel %(key)s hoort op twee scholen bij verschillende mensen."),
                "group": _("De groep-sleutel %(key)s komt in meer dan één school voor."),
            }[collision.kind]
            % {"key": collision.key}
        )
    for school in sources:
        destination.groups += in_force_groups(school)
    destination.group_ids = set(Group.objects.filter(school__in=sources).values_list("pk", flat=True))
    destination.pupil_ids = set(
        Pupil.objects.filter(school__in=sources, active=True).values_list("pk", flat=True)
    )
    placements = _placements(sources)
    destination.staff = _one_per_person(placements)
    preview.staff_moves = [(p, {0: destination.group_ids}) for p in placements]
    preview.partners_kept, preview.partners_dropped = _consents(sources)
    preview.linked = _linked(sources)
    preview.network = network_carry(sources)
    return preview


def _one_per_person(placements: Sequence[StaffPlacement]) -> list[StaffPlacement]:
    return list({placement.staff_id: placement for placement in reversed(placements)}.values())


def preview_split(source: SchoolLocation, parts: Sequence[Part]) -> Preview:
    destinations = [Destination(code=part.code.strip().upper(), name=part.name.strip()) for part in parts]
    preview = Preview(SPLIT, [source], destinations)
    problems = preview.problems
    if len(parts) < 2:
        problems.append(_("Een splitsing heeft minstens twee nieuwe locaties."))
    if any(not d.name for d in destinations):
        problems.append(_("Geef elke nieuwe locatie een naam."))
    problems += _code_problems([d.code for d in destinations]) + _source_problems([source])
    groups = {group.uuid: group for group in in_force_groups(source)}
    part_of: dict[int, int] = {}  # group id -> destination index
    for index, part in enumerate(parts):
        for group_uuid in part.groups:
            group = groups.get(group_uuid)
            if group is None:
                problems.append(_("Een gekozen groep hoort niet (meer) bij deze school."))
                continue
            if group.pk in part_of and part_of[group.pk] != index:
                problems.append(_("Groep %(group)s staat bij twee nieuwe locaties.") % {"group": group.name})
                continue
            part_of[group.pk] = index
            destinations[index].groups.append(group)
            destinations[index].group_ids.add(group.pk)
    by_pk = {group.pk: group for group in groups.values()}
    unplaced = sorted(g.name for g in groups.values() if g.pk not in part_of)
    if unplaced:
        problems.append(
            _("Deze groepen gaan nergens heen: %(groups)s. Kies voor elke groep een nieuwe locatie.")
            % {"groups": ", ".join(unplaced)}
        )
    pupils = set(Pupil.objects.filter(school=source, active=True).values_list("pk", flat=True))
    homes: dict[int, set[int]] = defaultdict(set)  # pupil -> destinations of their home groups
    composites: dict[int, set[int]] = defaultdict(set)  # composite group -> its pupils
    rows = PupilMembership.objects.filter(pupil_id__in=pupils, group_id__in=list(by_pk)).values_list(
        "pupil_id", "group_id"
    )
    for pupil_id, group_id in rows:
        if by_pk[group_id].kind == Group.Kind.HOME:
            if group_id in part_of:
                homes[pupil_id].add(part_of[group_id])
        else:
            composites[group_id].add(pupil_id)
    without = len([pupil for pupil in pupils if not homes[pupil]])
    if without:
        problems.append(
            ngettext(
                "%(count)d leerling heeft geen stamgroep die naar een nieuwe locatie gaat en zou zonder "
                "school komen te zitten.",
                "%(count)d leerlingen hebben geen stamgroep die naar een nieuwe locatie gaat en zouden "
                "zonder school komen te zitten.",
                without,
            )
            % {"count": without}
        )
    if any(len(where) > 1 for where in homes.values()):
        problems.append(_("Een leerling zit in stamgroepen die naar verschillende locaties gaan."))
    for group_id, members in sorted(composites.items(), key=lambda item: by_pk[item[0]].name):
        where = set().union(*(homes[pupil] for pupil in members))
        if len(where) > 1 or (group_id in part_of and where and part_of[group_id] not in where):
            problems.append(
                _(
                    "Groep %(group)s wordt verdeeld: de leerlingen komen uit stamgroepen van andere "
                    "locaties. Zet de groep bij de locatie van al haar leerlingen, of verdeel de "
                    "stamgroepen anders."
                )
                % {"group": by_pk[group_id].name}
            )
    for pupil, where in homes.items():
        if len(where) == 1:
            destinations[next(iter(where))].pupil_ids.add(pupil)
    placements = _placements([source])
    memberships: dict[int, set[int]] = defaultdict(set)
    in_force = StaffMembership.objects.filter(placement__in=placements, group_id__in=list(part_of))
    for placement_id, group_id in in_force.values_list("placement_id", "group_id"):
        memberships[placement_id].add(group_id)
    for placement in placements:
        goes: dict[int, set[int]] = defaultdict(set)
        for group_id in memberships[placement.pk]:
            goes[part_of[group_id]].add(group_id)
        if not goes:  # no group (a coordinator, an internal counsellor): every new location
            goes = {index: set() for index in range(len(destinations))}
        preview.staff_moves.append((placement, dict(goes)))
        for index in goes:
            destinations[index].staff.append(placement)
    kept, _dropped = _consents([source])
    preview.partners_kept = kept
    preview.linked = _linked([source])
    preview.network = network_carry([source])
    return preview


def lock_sources(sources: Sequence[SchoolLocation]) -> list[SchoolLocation]:
    """The import lock of every school involved, in a fixed order (no deadlock with imports)."""
    locked = {school.pk: lock_school(school) for school in sorted(sources, key=lambda s: s.pk)}
    return [locked[school.pk] for school in sources]


def carry_out(preview: Preview, *, effective_on: dt.date, actor: str) -> dict[str, object]:
    """Carry out a preview without problems, inside the caller's transaction (sources locked).
    Returns what is stored as `Reorganisation.result`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("carry_out must be called inside transaction.atomic()")
    if preview.problems:
        raise ReorganisationRefused(preview.problems)
    moment = now()
    sources = preview.sources
    codes = ", ".join(school.code for school in sources)
    do_pause_links(sources, reason=_("herindeling van %(codes)s") % {"codes": codes}, actor=actor)
    first = sources[0]
    manual = all(school.kind == SchoolLocation.Kind.MANUAL for school in sources)
    new = [
        do_register_school(
            destination.code,
            name=destination.name,
            board_number=first.board.number if first.board else None,
            board_name=first.board.name if first.board else None,
            kind=SchoolLocation.Kind.MANUAL if manual else SchoolLocation.Kind.REGISTER,
            actor=actor,
        )
        for destination in preview.destinations
    ]
    for school, destination in zip(new, preview.destinations, strict=True):
        reorganise.move_groups(destination.group_ids, school)
        reorganise.move_pupils(destination.pupil_ids, school)
        for consent in preview.partners_kept:
            do_grant_consent(
                school, consent.partner, names=consent.names, eck_id=consent.eck_id, actor=SystemActor(actor)
            )
        if any(coordinators_required(source) for source in sources):
            do_set_coordinator_requirement(school, True, actor=SystemActor(actor))  # the operator, checked
        reorganise.copy_year_starts(first, school, year_in_force(first))
        do_carry_over_network(school, preview.network, actor=SystemActor(actor))
    placed = reorganise.place_staff(
        [
            reorganise.StaffMove(
                placement, tuple((new[index], frozenset(groups)) for index, groups in goes.items())
            )
            for placement, goes in preview.staff_moves
        ],
        now=moment,
    )
    kind = SchoolSuccession.Kind.MERGER if preview.kind == MERGER else SchoolSuccession.Kind.SPLIT
    old_refs = [school.instelling_ref for school in sources]
    for school in sources:
        school.active, school.closed_at = False, moment
        school.moved_to = new[0] if preview.kind == MERGER else None
        school.save(update_fields=["active", "closed_at", "moved_to"])
        RetiredInstellingRef.objects.get_or_create(
            instelling_ref=school.instelling_ref, defaults={"reason": f"{preview.kind} {school.code}"}
        )
        SchoolSuccession.objects.bulk_create(
            [
                SchoolSuccession(predecessor=school, successor=s, kind=kind, effective_on=effective_on)
                for s in new
            ]
        )
    PreparedImport.objects.filter(school__in=sources).delete()
    ended = end_sessions_where(AccountSession.objects.filter(school_ref__in=old_refs), lambda _p: True)

    def forget() -> None:
        for ref in old_refs:
            forget_school(ref)

    forget()
    transaction.on_commit(forget)
    result: dict[str, object] = {
        "schools": [
            {"ref": str(school.instelling_ref), "code": school.code, "name": school.name} for school in new
        ],
        "pupils": [d.pupil_count for d in preview.destinations],
        "groups": [len(d.groups) for d in preview.destinations],
        "staff": placed,
        "sessions_ended": ended,
    }
    for school in sources:
        record_event(
            f"school.{preview.kind}",
            actor=actor,
            subject=f"school:{school.code}",
            school_ref=school.instelling_ref,
            to=[s.code for s in new],
            effective_on=effective_on.isoformat(),
        )
    return result
