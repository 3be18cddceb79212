"""Property tests: every compiled fast path returns exactly what its plain ORM QuerySet returns.

Hypothesis builds random rosters — schools open and closed, placements ending, groups in three
school years and switched off, pupils leaving, memberships in two school years, placements and
memberships with days of their own (substitutes, C14) asked about on days before, in and after
them, consents on and
off, grants used, revoked and expired, sessions expired — and for each one compares the compiled
query (`core.compiled`, run with parameters) with the QuerySet it was compiled from, built afresh
with the same values. Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from klaspoort.accounts.login_candidate import (
    _CANDIDATE,
    active_placements_by_email,
    by_school_name,
    candidate_placements,
)
from klaspoort.accounts.models import Account, AccountSession
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.pupils.queries import _SEATS, card_seat, login_seat, seat_queryset
from klaspoort.accounts.session_store import _SESSION_DATA
from klaspoort.core import clock
from klaspoort.core.clock import current_school_year_start
from klaspoort.federation.disclosure_queries import (
    _PUPIL_GROUPS,
    _STAFF_GROUPS,
    consents_at,
    consents_queryset,
    pupil_groups_queryset,
    staff_groups_queryset,
)
from klaspoort.federation.models import Consent, Partner, PartnerApp
from klaspoort.federation.oidc import grant_rows
from klaspoort.federation.oidc.models import OidcGrant
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import (
    Group,
    Pupil,
    PupilMembership,
    SchoolYear,
    StaffMember,
    StaffMembership,
    StaffPlacement,
)
from klaspoort.roster.schoolyears import YearsInForce, in_force_years
from klaspoort.schooladmin.models import SchoolNetwork
from klaspoort.twofactor.models import TotpDevice

pytestmark = pytest.mark.django_db
YEAR = current_school_year_start()
TODAY = clock.today()
DAYS = [
    TODAY + dt.timedelta(days=offset) for offset in range(-2, 3)
]  # the days the fast paths are asked about
NOW = timezone.now()
MINUTE = dt.timedelta(minutes=1)
PROPERTY = settings(
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


Days = tuple[int | None, int | None] | None  # first and last day (offsets from today; None: open)


def _days() -> st.SearchStrategy[Days]:
    offset = st.one_of(st.none(), st.integers(-2, 2))
    return st.one_of(st.none(), st.tuples(offset, offset))


def _day(offset: int | None) -> dt.date | None:
    return None if offset is None else TODAY + dt.timedelta(days=offset)


@dataclass(frozen=True)
class RosterSpec:
    schools: list[bool]  # active
    groups: list[tuple[int, int, bool, bool]]  # school, year offset, active, home
    staff: list[tuple[bool, bool]]  # has a staff account, has a two-factor device
    placements: list[tuple[int, int, bool, list[int], Days]]  # staff, school, active, groups, own days
    pupils: list[tuple[int, bool, list[int]]]  # school, active, groups
    consents: list[tuple[int, int, bool]]  # school, partner, active


def _roster_specs() -> st.SearchStrategy[RosterSpec]:
    def build(schools: list[bool]) -> st.SearchStrategy[RosterSpec]:
        school = st.integers(0, len(schools) - 1)
        group_ids = st.lists(st.integers(0, 5), max_size=3, unique=True)
        return st.builds(
            RosterSpec,
            schools=st.just(schools),
            groups=st.lists(st.tuples(school, st.integers(-1, 1), st.booleans(), st.booleans()), max_size=6),
            staff=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=3),
            placements=st.lists(
                st.tuples(st.integers(0, 2), school, st.booleans(), group_ids, _days()), max_size=5
            ),
            pupils=st.lists(st.tuples(school, st.booleans(), group_ids), max_size=5),
            consents=st.lists(st.tuples(school, st.integers(0, 1), st.booleans()), max_size=4),
        )

    return st.lists(st.booleans(), min_size=1, max_size=3).flatmap(build)


@dataclass
class Roster:
    schools: list[SchoolLocation]
    staff: list[StaffMember]
    pupils: list[Pupil]
    partners: list[Partner]


def _make(spec: RosterSpec) -> Roster:
    schools = [
        SchoolLocation.objects.create(
            brin=f"{10 + index}AB", location_code="00", name=f"School {index}", active=active
        )
        for index, active in enumerate(spec.schools)
    ]
    years = {offset: SchoolYear.objects.get_or_create(start_year=YEAR + offset)[0] for offset in (-1, 0, 1)}
    groups = [
        Group.objects.create(
            school=schools[school],
            school_year=years[offset],
            kind=Group.Kind.HOME if home else Group.Kind.COMPOSITE,
            las_key=f"g{index}",
            name=f"Groep {index}",
            year_group="5" if home else "",
            active=active,
        )
        for index, (school, offset, active, home) in enumerate(spec.groups)
    ]
    staff = []
    for index, (has_account, has_device) in enumerate(spec.staff):
        email = f"staff{index}@school.example"
        account = Account.objects.create_user(email, None, kind=Account.Kind.STAFF) if has_account else None
        if account is not None and has_device:
            TotpDevice.objects.create(account=account, secret="sealed", confirmed_at=NOW)
        staff.append(StaffMember.objects.create(email=email, first_name=f"Staf{index}", account=account))
    placed: set[tuple[int, int]] = set()
    for member, school, active, group_ids, days in spec.placements:
        if member >= len(staff) or (member, school) in placed:
            continue
        placed.add((member, school))
        first, last = days or (None, None)
        placement = StaffPlacement.objects.create(
            staff=staff[member],
            school=schools[school],
            las_key=f"s{member}",
            active=active,
            starts_on=_day(first),
            ends_on=_day(last),
        )
        for index, group_id in enumerate(group_ids):
            if group_id < len(groups) and groups[group_id].school_id == placement.school_id:
                # memberships alternate: the placement's own days, shifted a day, or none
                own = [(first, last), (None if first is None else first + 1, last), (None, None)][index % 3]
                StaffMembership.objects.create(
                    placement=placement, group=groups[group_id], starts_on=_day(own[0]), ends_on=_day(own[1])
                )
    pupils = []
    for index, (school, active, group_ids) in enumerate(spec.pupils):
        pupil = Pupil.objects.create(
            school=schools[school], las_key=f"p{index}", first_name=f"Kind{index}", active=active
        )
        pupils.append(pupil)
        for group_id in group_ids:
            if group_id < len(groups) and groups[group_id].school_id == pupil.school_id:
                PupilMembership.objects.create(pupil=pupil, group=groups[group_id])
    partners = [
        Partner.objects.create(
            slug=f"partner-{index}", name=f"Partner {index}", sector_id=f"p{index}.example"
        )
        for index in range(2)
    ]
    ticked: set[tuple[int, int]] = set()
    for school, partner, active in spec.consents:
        if (school, partner) not in ticked:
            ticked.add((school, partner))
            Consent.objects.create(
                school=schools[school], partner=partners[partner], active=active, changed_at=NOW
            )
    return Roster(schools, staff, pupils, partners)


def _fields(instance: models.Model | None) -> tuple[Any, ...] | None:
    if instance is None:
        return None
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def _placement_view(placement: StaffPlacement) -> tuple[Any, ...]:
    account = placement.staff.account
    assert account is not None
    device = getattr(account, "totp_device", None)
    return (
        _fields(placement),
        _fields(placement.staff),
        _fields(account),
        _fields(placement.school),
        _fields(device),
        account.staff_member is placement.staff,
    )


def _in_example(check: Any) -> None:
    """Run one example in a transaction of its own that is rolled back afterwards."""
    with transaction.atomic():
        check()
        transaction.set_rollback(True)


@PROPERTY
@given(spec=_roster_specs())
def test_the_login_candidate_is_what_the_orm_finds(spec: RosterSpec, django_assert_num_queries: Any) -> None:
    def check() -> None:
        roster = _make(spec)
        for member in [*roster.staff, None]:
            email = member.email if member is not None else "nobody@school.example"
            plain = sorted(candidate_placements(email), key=by_school_name)
            with django_assert_num_queries(1):
                fast = active_placements_by_email(email)
                seen = [_placement_view(placement) for placement in fast]
            assert seen == [_placement_view(placement) for placement in plain]
            for day in DAYS:
                on_day = sorted(_CANDIDATE.fetch(email=email, on=day), key=by_school_name)
                assert [_fields(p) for p in on_day] == [
                    _fields(p) for p in sorted(candidate_placements(email, day), key=by_school_name)
                ]

    _in_example(check)


@PROPERTY
@given(spec=_roster_specs())
def test_people_in_groups_are_what_the_orm_finds_in_every_school_year(spec: RosterSpec) -> None:
    def check() -> None:
        roster = _make(spec)
        for year in (YEAR - 1, YEAR, YEAR + 1):
            for school in roster.schools:
                for member in roster.staff:
                    for day in DAYS:
                        fast = _STAFF_GROUPS.fetch(key=(year,), person=member.uuid, school=school.pk, on=day)
                        plain = list(staff_groups_queryset(member.uuid, school.pk, year, day))
                        assert sorted(fast) == sorted(plain)
                for pupil in roster.pupils:
                    fast = _PUPIL_GROUPS.fetch(key=(year,), person=pupil.uuid, school=school.pk)
                    plain = list(pupil_groups_queryset(pupil.uuid, school.pk, year))
                    assert sorted(fast) == sorted(plain)

    _in_example(check)


def _seat_view(credential: PupilCredential | None) -> tuple[Any, ...] | None:
    if credential is None:
        return None
    school = credential.pupil.school
    network = getattr(school, "network_settings", None)
    return (_fields(credential), _fields(credential.pupil), _fields(school), _fields(network))


@PROPERTY
@given(spec=_roster_specs(), with_network=st.booleans())
def test_a_pupils_login_seat_is_what_the_orm_finds(
    spec: RosterSpec, with_network: bool, django_assert_num_queries: Any
) -> None:
    """The shortcut's login (and login card) credential look-up, in every school year and with
    schools starting on a day of their own, with and without the school's network settings."""

    def check() -> None:
        roster = _make(spec)
        for index, pupil in enumerate(roster.pupils):
            PupilCredential.objects.create(
                pupil=pupil, slug=f"slug-{index}", picture="uil", secret="sealed", code_set_at=NOW
            )
        if with_network and roster.schools:
            SchoolNetwork.objects.create(school=roster.schools[0], restrict_pupil_shortcut=True)
        slugs = [f"slug-{index}" for index in range(len(roster.pupils) + 1)]
        groups = [None, *Group.objects.values_list("uuid", flat=True)]
        today = in_force_years()
        for school in roster.schools:
            ref = school.instelling_ref
            for slug in slugs:
                for group in groups:
                    plain = list(seat_queryset(today, slug, ref, group))
                    with django_assert_num_queries(1):
                        fast = login_seat(ref, group, slug) if group else card_seat(ref, slug)
                        seen = _seat_view(fast)
                    assert seen == (_seat_view(plain[0]) if plain else None)
                    for years in (
                        YearsInForce(YEAR - 1, YEAR, frozenset({school.pk})),
                        YearsInForce(YEAR + 1, YEAR + 1, frozenset()),
                    ):
                        key = (years.usual, years.other, tuple(sorted(years.schools)), group is not None)
                        values = {"slug": slug, "ref": ref} | ({} if group is None else {"group": group})
                        assert [_seat_view(c) for c in _SEATS.fetch(key, **values)] == [
                            _seat_view(c) for c in seat_queryset(years, slug, ref, group)
                        ]

    _in_example(check)


@PROPERTY
@given(spec=_roster_specs(), asked=st.lists(st.integers(0, 1), max_size=2, unique=True))
def test_consents_are_what_the_orm_finds(spec: RosterSpec, asked: list[int]) -> None:
    def check() -> None:
        roster = _make(spec)
        ids = [roster.partners[index].pk for index in asked]
        for school in roster.schools:
            fast = consents_at(school.instelling_ref, ids)
            plain = {consent.partner_id: consent for consent in consents_queryset(school.instelling_ref, ids)}
            assert {pk: (_fields(c), _fields(c.school)) for pk, c in fast.items()} == {
                pk: (_fields(c), _fields(c.school)) for pk, c in plain.items()
            }

    _in_example(check)


_moment = st.one_of(st.none(), st.integers(-3, 3).map(lambda minutes: NOW + minutes * MINUTE))


@PROPERTY
@given(
    grants=st.lists(
        st.tuples(st.integers(-3, 3), st.booleans(), st.booleans(), _moment, _moment, st.integers(0, 1)),
        min_size=1,
        max_size=6,
    ),
    at=st.integers(-4, 4),
)
def test_grants_in_each_state_are_what_the_orm_finds(grants: list[tuple[Any, ...]], at: int) -> None:
    def check() -> None:
        partner = Partner.objects.create(slug="partner", name="Partner", sector_id="p.example")
        apps = [
            PartnerApp.objects.create(
                partner=partner, slug=f"app-{index}", name=f"App {index}", launch_url="https://a.example/"
            )
            for index in range(2)
        ]
        moment = NOW + at * MINUTE
        for index, (expires, used, revoked, access, refresh, app) in enumerate(grants):
            OidcGrant.objects.create(
                handle=f"h{index}",
                app=apps[app],
                person=uuid.uuid4(),
                school_ref=uuid.uuid4(),
                principal={},
                op_session="op",
                sid="sid",
                released={},
                scope="openid",
                redirect_uri="https://a.example/cb",
                created_at=NOW,
                code_hash="c",
                code_expires_at=NOW + expires * MINUTE,
                code_used_at=NOW if used else None,
                revoked_at=NOW if revoked else None,
                access_expires_at=access,
                refresh_expires_at=refresh,
                refresh_hash="r",
            )
        for index in range(len(grants)):
            handle = f"h{index}"
            for app in apps:
                fast = grant_rows._REDEEMABLE.fetch(handle=handle, app=app.pk, at=moment)
                plain = OidcGrant.objects.redeemable(moment).filter(handle=handle, app=app.pk)
                assert [_fields(g) for g in fast] == [_fields(g) for g in plain]
            for compiled, rule in (
                (grant_rows._ACCESS_VALID, OidcGrant.objects.access_valid),
                (grant_rows._REFRESHABLE, OidcGrant.objects.refreshable),
            ):
                assert [_fields(g) for g in compiled.fetch(handle=handle, at=moment)] == [
                    _fields(g) for g in rule(moment).filter(handle=handle)
                ]
            assert _fields(grant_rows.grant_by_handle(handle)) == _fields(
                OidcGrant.objects.get(handle=handle)
            )

    _in_example(check)


@PROPERTY
@given(
    redemptions=st.lists(st.tuples(st.integers(0, 2), st.integers(-2, 2)), min_size=1, max_size=5),
    expires=st.integers(-2, 2),
)
def test_a_compiled_compare_and_set_changes_what_the_orm_update_would(
    redemptions: list[tuple[int, int]], expires: int
) -> None:
    """Redeeming a code with the compiled UPDATE and with QuerySet.update over the same rule
    changes the same rows to the same values."""

    def check() -> None:
        partner = Partner.objects.create(slug="partner", name="Partner", sector_id="p.example")
        app = PartnerApp.objects.create(
            partner=partner, slug="app", name="App", launch_url="https://a.example/"
        )

        def grant(handle: str) -> OidcGrant:
            return OidcGrant.objects.create(
                handle=handle, app=app, person=uuid.uuid4(), school_ref=uuid.uuid4(), principal={},
                op_session="op", sid="sid", released={}, scope="openid", redirect_uri="https://a.example/cb",
                created_at=NOW, code_hash="c", code_expires_at=NOW + expires * MINUTE,
            )  # fmt: skip

        fast, plain = grant("fast"), grant("plain")
        for attempt, (hash_index, minutes) in enumerate(redemptions):
            values = {"code_used_at": NOW + attempt * MINUTE, "access_hash": f"a{hash_index}"}
            moment = NOW + minutes * MINUTE
            changed = grant_rows.redeem_code(fast.pk, values, at=moment)
            expected = OidcGrant.objects.redeemable(moment).filter(pk=plain.pk).update(**values)
            assert changed == bool(expected)
            got = OidcGrant.objects.filter(pk=fast.pk).values_list("code_used_at", "access_hash").get()
            want = OidcGrant.objects.filter(pk=plain.pk).values_list("code_used_at", "access_hash").get()
            assert got == want

    _in_example(check)


@PROPERTY
@given(sessions=st.lists(st.integers(-2, 2), min_size=1, max_size=4), at=st.integers(-3, 3))
def test_sessions_are_read_as_the_orm_reads_them(sessions: list[int], at: int) -> None:
    def check() -> None:
        for index, expires in enumerate(sessions):
            AccountSession.objects.create(
                session_key=f"{index:032d}", session_data=f"data {index}", expire_date=NOW + expires * MINUTE
            )
        moment = NOW + at * MINUTE
        for index in range(len(sessions) + 1):
            key = f"{index:032d}"
            fast = _SESSION_DATA.fetch(session_key=key, now=moment)
            plain = list(
                AccountSession.objects.filter(session_key=key, expire_date__gt=moment).values_list(
                    "session_data"
                )
            )
            assert fast == plain

    _in_example(check)
