"""The one path by which personal data reaches a partner.

Every partner-facing claim or attribute set (OIDC ID token and userinfo, SAML assertion, the
portal's licence requests) is built by `disclose()`, or by `disclose_many()` for several apps of
one person at once (the portal page); both run the same checks and records. It

1. checks that the partner and app are active and that the principal's school has ticked the
   partner (`Consent`), raising a `DisclosureRefused` subclass otherwise;
2. applies minimisation: identity (pairwise `sub`, role, school, groups) always, names and the
   ECK iD only when the school ticked those categories *and* the caller asked for them;
3. writes a `Disclosure` record (who, partner, app, fields, when, purpose);
4. returns a plain `Released` dataclass; protocol modules only translate it into their format.

Queries: consent + school (1), the person with their groups (1, or 2 for someone without
groups), the disclosure record (1); as many for `disclose_many`, whatever the number of apps.
Pass apps loaded with `select_related("partner")`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klaspoort.accounts.principal import Principal
from klaspoort.core.clock import now
from klaspoort.core.inserts import InsertStatement
from klaspoort.federation.disclosure_queries import PERSON_FIELDS, consents_at, person_in_groups
from klaspoort.federation.models import ECK_ID, IDENTITY, NAMES, Consent, Disclosure, PartnerApp
from klaspoort.federation.pseudonyms import pairwise_group_id, pairwise_subject
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import Group, Pupil, StaffPlacement

PURPOSES = frozenset(Disclosure.Purpose.values)


class DisclosureRefused(Exception):
    """Nothing may be released; `reason` is a stable code, the message is for people (Dutch)."""

    reason = "refused"


class PartnerInactive(DisclosureRefused):
    reason = "partner_inactive"


class ConsentMissing(DisclosureRefused):
    """The school has not switched this partner on (or has switched it off)."""

    reason = "consent_missing"


class PersonUnknown(DisclosureRefused):
    """The principal is no longer an active pupil or staff member of that (active) school."""

    reason = "person_unknown"


@dataclass(frozen=True)
class ReleasedSchool:
    instelling_ref: str
    brin: str
    location_code: str
    name: str


@dataclass(frozen=True)
class ReleasedGroup:
    id: str  # pairwise per sector
    name: str
    year_group: str


@dataclass(frozen=True)
class Released:
    """What one partner app may know about one person, right now. `None` means not released."""

    sub: str
    role: str  # "staff" or "pupil"
    school: ReleasedSchool
    groups: tuple[ReleasedGroup, ...]
    given_name: str | None = None
    infix: str | None = None
    family_name: str | None = None
    eck_id: str | None = None
    fields: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """As `dataclasses.asdict` gives it, written out: it runs on every sign-in (OIDC grant)."""
        school = self.school
        return {
            "sub": self.sub,
            "role": self.role,
            "school": {
                "instelling_ref": school.instelling_ref,
                "brin": school.brin,
                "location_code": school.location_code,
                "name": school.name,
            },
            "groups": tuple({"id": g.id, "name": g.name, "year_group": g.year_group} for g in self.groups),
            "given_name": self.given_name,
            "infix": self.infix,
            "family_name": self.family_name,
            "eck_id": self.eck_id,
            "fields": self.fields,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Released:
        values = dict(data)
        values["school"] = ReleasedSchool(**values["school"])
        values["groups"] = tuple(ReleasedGroup(**group) for group in values["groups"])
        values["fields"] = tuple(values.get("fields", ()))
        return cls(**values)


@dataclass(frozen=True)
class _Group:
    pk: int
    uuid: uuid.UUID
    name: str
    year_group: str
    kind: str


@dataclass(frozen=True)
class _Person:
    uuid: uuid.UUID
    first_name: str
    infix: str
    surname: str
    eck_id: str
    groups: tuple[_Group, ...]


def disclose(
    principal: Principal,
    app: PartnerApp,
    *,
    purpose: str,
    requested: Iterable[str] | None = None,
) -> Released:
    """Build and record what `app` may receive about `principal`; see the module docstring.

    `requested` limits the optional categories (e.g. from OIDC scopes); None asks for everything
    the school allowed. Identity is always part of a release. Raises `DisclosureRefused`.
    """
    (outcome,) = disclose_many(principal, [app], purpose=purpose, requested=requested)
    if isinstance(outcome, DisclosureRefused):
        raise outcome
    return outcome


def disclose_many(
    principal: Principal,
    apps: Sequence[PartnerApp],
    *,
    purpose: str,
    requested: Iterable[str] | None = None,
) -> list[Released | DisclosureRefused]:
    """`disclose` for several apps at once (the portal asks every ticked publisher): in the order of
    `apps`, what each app may receive, or why it may receive nothing (the `DisclosureRefused` that
    `disclose` would raise; nothing is recorded for it).

    The same queries as one `disclose`, however many apps: consents with the school (1), the person
    with their groups (1 or 2, only when some app may receive), the disclosure records (1).
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown disclosure purpose {purpose!r}")
    asked = (frozenset(requested) | {IDENTITY}) if requested is not None else None
    refused, allowed = _allowed(principal.school, apps)
    outcomes: dict[int, Released | DisclosureRefused] = dict(refused)
    person = _load_person(principal, allowed[0][1].school) if allowed else None
    records = []
    moment = now()
    for index, consent in allowed:
        if person is None:
            outcomes[index] = PersonUnknown(_UNKNOWN[principal.kind])
            continue
        app = apps[index]
        categories = consent.categories if asked is None else consent.categories & asked
        released = _release(principal, app, consent.school, person, categories)
        outcomes[index] = released
        records.append(
            Disclosure(
                created_at=moment,
                partner_id=app.partner.pk,
                app_id=app.pk,
                person=person.uuid,
                person_kind=principal.kind,
                school_ref=consent.school.instelling_ref,
                fields=list(released.fields),
                purpose=purpose,
            )
        )
    _record(records)
    return [outcomes[index] for index in range(len(apps))]


@dataclass(frozen=True)
class ReleasedSchoolGroups:
    """What a publisher may know for a school-level licence overview: the school and its current
    groups (pairwise ids), no person at all."""

    school: ReleasedSchool
    groups: tuple[ReleasedGroup, ...]


SCHOOL_FIELDS = ("school", "groups")
NEXT_YEAR_FIELDS = ("school", "next_year_groups")


def disclose_school(
    principal: Principal,
    apps: Sequence[PartnerApp],
    *,
    start_year: int | None = None,
    group_uuids: Collection[uuid.UUID] | None = None,
) -> list[ReleasedSchoolGroups | DisclosureRefused]:
    """The school and its current groups for each app (the licence overview, D6), in the order of
    `apps`: consent is checked as for `disclose_many`, and each release is recorded for the staff
    member who asked (purpose "school_licences"). Queries: consents (1), groups (1), records (1).

    With `start_year` (a later year, readiness E2): that year's staged groups instead, only those
    in `group_uuids` when given (the teacher's own), recorded with the fields "school" and
    "next_year_groups"."""
    if principal.kind != "staff":
        raise ValueError("only staff ask for a school's licence overview")
    refused, allowed = _allowed(principal.school, apps)
    outcomes: dict[int, ReleasedSchoolGroups | DisclosureRefused] = dict(refused)
    records = []
    if allowed:
        school = allowed[0][1].school
        chosen = Group.objects.in_force() if start_year is None else Group.objects.in_year(start_year)
        if group_uuids is not None:
            chosen = chosen.filter(uuid__in=list(group_uuids))
        groups = list(
            chosen.filter(school_id=school.pk)
            .order_by("year_group", "name", "pk")
            .values_list("uuid", "name", "year_group")
        )
        secret = settings.PSEUDONYM_SECRET
        released_school = ReleasedSchool(
            instelling_ref=str(school.instelling_ref),
            brin=school.brin,
            location_code=school.location_code,
            name=school.name,
        )
        moment = now()
        for index, _consent in allowed:
            app = apps[index]
            sector = app.partner.sector_id
            outcomes[index] = ReleasedSchoolGroups(
                released_school,
                tuple(
                    ReleasedGroup(pairwise_group_id(sector, group_uuid, secret), name, year_group)
                    for group_uuid, name, year_group in groups
                ),
            )
            records.append(
                Disclosure(
                    created_at=moment,
                    partner_id=app.partner.pk,
                    app_id=app.pk,
                    person=principal.person,
                    person_kind="staff",
                    school_ref=school.instelling_ref,
                    fields=list(SCHOOL_FIELDS if start_year is None else NEXT_YEAR_FIELDS),
                    purpose=Disclosure.Purpose.SCHOOL_LICENCES,
                )
            )
    _record(records)
    return [outcomes[index] for index in range(len(apps))]


def _allowed(
    school_ref: uuid.UUID, apps: Sequence[PartnerApp]
) -> tuple[dict[int, DisclosureRefused], list[tuple[int, Consent]]]:
    """Which of `apps` (by index) may receive anything from the school: the refusals, and the
    allowed ones with their consent (1 query, the consents)."""
    refused: dict[int, DisclosureRefused] = {}
    reachable = []
    for index, app in enumerate(apps):
        if app.active and app.partner.active:
            reachable.append(index)
        else:
            refused[index] = PartnerInactive(_("Deze software is op dit moment niet beschikbaar."))
    consents = _consents(school_ref, {apps[index].partner.pk for index in reachable})
    allowed: list[tuple[int, Consent]] = []
    for index in reachable:
        consent = consents.get(apps[index].partner.pk)
        if consent is None or not consent.active or not consent.school.active:
            refused[index] = ConsentMissing(
                _("Je school heeft deze software niet aangezet. Vraag je ICT-coördinator om dat te doen.")
            )
        else:
            allowed.append((index, consent))
    return refused, allowed


def _consents(school_ref: uuid.UUID, partner_ids: set[int]) -> dict[int, Consent]:
    """The consents of these partners at the school (with the school), by partner id (1 query)."""
    return consents_at(school_ref, partner_ids)


def _release(
    principal: Principal, app: PartnerApp, school: SchoolLocation, person: _Person, categories: frozenset[str]
) -> Released:
    """Minimisation (pure): identity always, names and the ECK iD only within `categories`."""
    sector_id = app.partner.sector_id
    secret = settings.PSEUDONYM_SECRET
    released_fields = ["sub", "role", "school", "groups"]
    values: dict[str, Any] = {}
    if NAMES in categories:
        values.update(given_name=person.first_name, infix=person.infix, family_name=person.surname)
        released_fields += ["given_name", "infix", "family_name"]
    if ECK_ID in categories and person.eck_id:
        values["eck_id"] = person.eck_id
        released_fields.append("eck_id")
    return Released(
        sub=pairwise_subject(sector_id, person.uuid, secret),
        role=principal.kind,
        school=ReleasedSchool(
            instelling_ref=str(school.instelling_ref),
            brin=school.brin,
            location_code=school.location_code,
            name=school.name,
        ),
        groups=tuple(
            ReleasedGroup(
                id=pairwise_group_id(sector_id, group.uuid, secret),
                name=group.name,
                year_group=group.year_group,
            )
            for group in person.groups
        ),
        fields=tuple(released_fields),
        **values,
    )


def _record(records: list[Disclosure]) -> None:
    """Write the disclosure records: one INSERT (a single row without a transaction around it)."""
    if len(records) == 1:
        _INSERT.insert(records[0])
    elif records:
        Disclosure.objects.bulk_create(records)


# Written on every sign-in to a partner: a prepared INSERT (`make bench-insert`).
_INSERT = InsertStatement(Disclosure)


def _sorted_groups(rows: Iterable[tuple[Any, ...]]) -> tuple[_Group, ...]:
    """Groups (pk, uuid, name, year_group, kind): home groups first, then by name."""
    groups = (_Group(*row) for row in rows)
    return tuple(sorted(groups, key=lambda group: (group.kind != Group.Kind.HOME, group.name, group.pk)))


_UNKNOWN = {
    "pupil": gettext_lazy("Deze leerling is niet (meer) actief op deze school."),
    "staff": gettext_lazy("Deze medewerker is niet (meer) actief op deze school."),
}


def _load_person(principal: Principal, school: SchoolLocation) -> _Person | None:
    """The principal as an active member of `school`, with their active groups (1 or 2 queries);
    None when they are not (or no longer) an active member."""
    kind: Literal["staff", "pupil"] = "pupil" if principal.kind == "pupil" else "staff"
    person, groups = person_in_groups(kind, principal.person, school.pk)
    if person is None:  # in no active group: the person alone
        if kind == "pupil":
            alone = Pupil.objects.active_at(school).filter(uuid=principal.person)
            person = alone.values_list(*PERSON_FIELDS).first()
        else:
            placement = StaffPlacement.objects.active_at(school).filter(staff__uuid=principal.person)
            person = placement.values_list(*(f"staff__{name}" for name in PERSON_FIELDS)).first()
    if person is None:
        return None
    person_uuid, first_name, infix, surname, eck_id = person
    return _Person(person_uuid, first_name, infix, surname, eck_id, _sorted_groups(groups))
