"""Actions guard themselves (issue 14.4): every `do_*` action a person triggers checks that person's
permission inside the action, whatever the view did. Each action here is called directly with
unauthorised actors — a teacher of another school, another school's ICT coordinator, a parent, a
pupil, and (where the rule is narrower) staff of the same school without the right — and must
refuse with the project's refusal type while nothing in the database changes (every row of every
klaspoort table, audit events included).

`test_every_action_is_accounted_for` lists every `do_*` function in the package: each is either a
case of the refusal test below or named in `NOT_PERSON_GUARDED` with the reason it needs no actor
check (its caller proves who it is with a token, password or code, or it runs without a person:
command line, job, partner system). A new action without either fails that test.
"""

from __future__ import annotations

import ast
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied

import klaspoort
from klaspoort.accounts.errors import AccountError
from klaspoort.accounts.home.actions import do_send_home_activation, do_set_home_addresses
from klaspoort.accounts.home.models import HomeAddress
from klaspoort.accounts.models import Account
from klaspoort.accounts.principal import Principal
from klaspoort.accounts.pupils.actions import do_new_code, do_set_picture
from klaspoort.accounts.pupils.login_cards import NotAllowed, do_issue_login_cards
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.accounts.staff import do_add_role, do_create_staff, do_remove_role
from klaspoort.classroom.access import StaffAccess
from klaspoort.core import clock
from klaspoort.core.actors import SystemActor
from klaspoort.federation.actions import do_grant_consent
from klaspoort.helpcentre.actions import do_save_article
from klaspoort.laslink.actions import LinkError, do_register_vendor, do_switch_link
from klaspoort.operator import actions as operator_actions
from klaspoort.schooladmin import actions as network
from klaspoort.schooladmin import roster_actions
from klaspoort.schooladmin.consent import Choice, ConsentRefused, do_set_partner_consent
from klaspoort.substitutes.actions import NotAllowed as SubstituteNotAllowed
from klaspoort.substitutes.actions import do_activate_substitute, do_end_substitute
from klaspoort.substitutes.models import Substitution
from klaspoort.twofactor.actions import do_set_coordinator_requirement
from tests.accounts.pupils import roster
from tests.federation.factories import make_app
from tests.roster import factories

SYSTEM = SystemActor("test")
SRC = Path(klaspoort.__file__).parent


@dataclass
class World:
    """School A (the target) with its coordinator, a teacher of group 5 with pupil Sanne, and a
    colleague with group 7; school B with its own coordinator and teacher; Sanne's parent."""

    school: Any
    coordinator: Any
    teacher: Any
    colleague: Any
    other_coordinator: Any
    other_teacher: Any
    parent: Account
    pupil: Any
    credential: PupilCredential
    address: HomeAddress
    fixed_range: Any
    agent_token: Any
    vendor: Any
    partner: Any

    def actor(self, name: str) -> object:
        if name == "parent":
            return self.parent
        if name == "pupil":
            return Principal(kind="pupil", person=self.pupil.uuid, school=self.school.instelling_ref)
        return getattr(self, name)


def make_world() -> World:
    school = factories.school("12AB00", "De Regenboog")
    other = factories.school("34CD00", "De Klimop")
    group5 = factories.group(school, "Groep 5", year_group="5")
    group7 = factories.group(school, "Groep 7", year_group="7")
    other_group = factories.group(other, "Groep 5", year_group="5")
    sanne = factories.pupil(group5, "Sanne", "de Boer")
    factories.pupil(group7, "Zoë", "Bakker")
    credential = roster.credentials(group5)["Sanne"]
    coordinator = factories.staff(
        school, "ict@regenboog.example", roles=["ict_coordinator"], first_name="Ilse"
    )
    teacher = factories.staff(school, "juf@regenboog.example", groups=[group5], first_name="Mira")
    colleague = factories.staff(school, "meester@regenboog.example", groups=[group7], first_name="Tom")
    other_coordinator = factories.staff(other, "ict@klimop.example", roles=["ict_coordinator"])
    other_teacher = factories.staff(other, "juf@klimop.example", groups=[other_group])
    do_set_home_addresses(sanne, ["ouder@thuis.example"], actor=SYSTEM)
    address = HomeAddress.objects.select_related("pupil__school", "account").get(pupil=sanne)
    assert address.account is not None
    fixed_range = network.do_add_fixed_range(school, "203.0.113.0/24", actor=SYSTEM)
    agent_token, _token = network.do_issue_agent_token(school, actor=SYSTEM)
    vendor, _secret = do_register_vendor("las", "Het LAS")
    app, _client_secret = make_app()
    return World(
        school=school,
        coordinator=coordinator,
        teacher=teacher,
        colleague=colleague,
        other_coordinator=other_coordinator,
        other_teacher=other_teacher,
        parent=address.account,
        pupil=sanne,
        credential=credential,
        address=address,
        fixed_range=fixed_range,
        agent_token=agent_token,
        vendor=vendor,
        partner=app.partner,
    )


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every klaspoort table, ordered: equal before and after means nothing changed."""
    state = {}
    for model in apps.get_models():
        if not model.__module__.startswith("klaspoort.") or model._meta.proxy or not model._meta.managed:
            continue
        rows = model._default_manager.order_by("pk").values_list()
        state[model._meta.label] = [tuple(map(repr, row)) for row in rows]
    return state


def staff_access(placement: Any) -> StaffAccess:
    principal = Principal(kind="staff", person=placement.staff.uuid, school=placement.school.instelling_ref)
    return StaffAccess(principal, placement)


STAFF = ("other_teacher", "other_coordinator")  # people of another school
PEOPLE = (*STAFF, "parent", "pupil")  # and people who are not staff at all
COORDINATOR_ONLY = (*PEOPLE, "teacher")  # school settings: a teacher of the same school is refused too
PUPIL_TEACHERS_ONLY = (*PEOPLE, "colleague")  # a pupil's login: a colleague with another group too


@dataclass(frozen=True)
class Case:
    action: str  # module.function
    call: Callable[[World, object], object]
    refused_as: tuple[type[BaseException], ...] = (PermissionDenied,)
    actors: tuple[str, ...] = COORDINATOR_ONLY


def _school_year_start(world: World, actor: object) -> object:
    next_year = clock.today().year + 1
    return roster_actions.do_set_school_year_start(actor, next_year, dt.date(next_year, 8, 20))  # type: ignore[arg-type]


CASES = [
    # School settings: an ICT coordinator of the school (accounts.permissions.require_coordinator_of).
    Case(
        "klaspoort.schooladmin.actions.do_set_network_mode",
        lambda w, a: network.do_set_network_mode(w.school, "dynamic", actor=a),  # type: ignore[arg-type]
    ),
    Case(
        "klaspoort.schooladmin.actions.do_set_shortcut_restriction",
        lambda w, a: network.do_set_shortcut_restriction(w.school, True, actor=a),  # type: ignore[arg-type]
    ),
    Case(
        "klaspoort.schooladmin.actions.do_add_fixed_range",
        lambda w, a: network.do_add_fixed_range(w.school, "198.51.100.0/24", actor=a),  # type: ignore[arg-type]
    ),
    Case(
        "klaspoort.schooladmin.actions.do_remove_fixed_range",
        lambda w, a: network.do_remove_fixed_range(w.school, w.fixed_range.pk, actor=a),  # type: ignore[arg-type]
    ),
    Case(
        "klaspoort.schooladmin.actions.do_issue_agent_token",
        lambda w, a: network.do_issue_agent_token(w.school, actor=a),  # type: ignore[arg-type]
    ),
    Case(
        "klaspoort.schooladmin.actions.do_revoke_agent_token",
        lambda w, a: network.do_revoke_agent_token(w.school, w.agent_token.pk, actor=a),  # type: ignore[arg-type]
    ),
    Case(
        "klaspoort.schooladmin.actions.do_carry_over_network",
        lambda w, a: network.do_carry_over_network(  # type: ignore[arg-type]
            w.school, network.NetworkCarry(ranges=[("198.51.100.0/24", "")], restrict=True), actor=a
        ),
    ),
    Case(
        "klaspoort.twofactor.actions.do_set_coordinator_requirement",
        lambda w, a: do_set_coordinator_requirement(w.school, True, actor=a),  # type: ignore[arg-type]
    ),
    Case(
        "klaspoort.accounts.staff.do_create_staff",
        lambda w, a: do_create_staff(w.school, "nieuw@regenboog.example", roles=["teacher"], actor=a),  # type: ignore[arg-type]
    ),
    Case(
        "klaspoort.accounts.staff.do_add_role",
        lambda w, a: do_add_role(w.teacher, "remedial_teacher", by=a),  # type: ignore[arg-type]
        refused_as=(AccountError,),
    ),
    Case(
        "klaspoort.accounts.staff.do_remove_role",
        lambda w, a: do_remove_role(w.coordinator, "ict_coordinator", by=a),  # type: ignore[arg-type]
        refused_as=(AccountError,),
    ),
    Case(
        "klaspoort.schooladmin.consent.do_set_partner_consent",
        lambda w, a: do_set_partner_consent(a, uuid.uuid4(), Choice(on=True), version=""),  # type: ignore[arg-type]
        refused_as=(ConsentRefused,),
        actors=("other_teacher", "teacher"),  # for staff only (the page's placement)
    ),
    Case(
        "klaspoort.laslink.actions.do_switch_link",
        lambda w, a: do_switch_link(a, w.vendor, True, actor="staff:x"),  # type: ignore[arg-type]
        refused_as=(LinkError,),
        actors=("other_teacher", "teacher"),
    ),
    # The coordinator's roster pages take the page's StaffAccess (staff only).
    Case(
        "klaspoort.schooladmin.roster_actions.do_preview_upload",
        lambda w, a: roster_actions.do_preview_upload(a, b"<x/>", file_name="a.xml", file_format="edexml"),  # type: ignore[arg-type]
        actors=("teacher", "colleague"),
    ),
    Case(
        "klaspoort.schooladmin.roster_actions.do_apply_prepared",
        lambda w, a: roster_actions.do_apply_prepared(a, 1, confirmed=True),  # type: ignore[arg-type]
        actors=("teacher", "colleague"),
    ),
    Case(
        "klaspoort.schooladmin.roster_actions.do_set_school_year_start",
        _school_year_start,
        actors=("teacher", "colleague"),
    ),
    # A pupil's login and home addresses: staff who see a group of the pupil (require_teacher_of).
    Case(
        "klaspoort.accounts.home.actions.do_set_home_addresses",
        lambda w, a: do_set_home_addresses(w.pupil, ["ander@thuis.example"], actor=a),  # type: ignore[arg-type]
        actors=PUPIL_TEACHERS_ONLY,
    ),
    Case(
        "klaspoort.accounts.home.actions.do_send_home_activation",
        lambda w, a: do_send_home_activation(w.address, actor=a),  # type: ignore[arg-type]
        actors=PUPIL_TEACHERS_ONLY,
    ),
    Case(
        "klaspoort.accounts.pupils.actions.do_set_picture",
        lambda w, a: do_set_picture(  # type: ignore[arg-type]
            w.credential,
            "uil",
            group=w.credential.pupil.memberships.get().group,
            actor=a,
            school_ref=w.school.instelling_ref,
        ),
        actors=PUPIL_TEACHERS_ONLY,
    ),
    Case(
        "klaspoort.accounts.pupils.actions.do_new_code",
        lambda w, a: do_new_code(w.credential, actor=a, school_ref=w.school.instelling_ref, code="4821"),  # type: ignore[arg-type]
        actors=PUPIL_TEACHERS_ONLY,
    ),
    # Consent for a partner: the school's ICT coordinator (operators and the CLI pass a SystemActor).
    Case(
        "klaspoort.federation.actions.do_grant_consent",
        lambda w, a: do_grant_consent(w.school, w.partner, names=True, actor=a),  # type: ignore[arg-type]
    ),
]

CASES.append(
    Case(
        "klaspoort.accounts.pupils.login_cards.do_issue_login_cards",
        lambda w, a: do_issue_login_cards(a, w.credential.pupil.memberships.get().group, actor="staff:x"),  # type: ignore[arg-type]
        refused_as=(NotAllowed,),
        actors=("other_teacher", "other_coordinator", "colleague"),  # for staff only (the page's placement)
    )
)

CASES += [
    Case(
        "klaspoort.substitutes.actions.do_activate_substitute",
        lambda w, a: do_activate_substitute(  # type: ignore[arg-type]
            _group_of(w),
            by=a,
            first_name="Iris",
            surname="Invaller",
            email="iris@invallers.example",
            first_day=clock.today() + dt.timedelta(days=7),
            school_days=1,
        ),
        refused_as=(SubstituteNotAllowed,),
        actors=("other_teacher", "other_coordinator", "colleague"),  # for staff only (the page's placement)
    ),
    Case(
        "klaspoort.substitutes.actions.do_end_substitute",
        lambda w, a: do_end_substitute(Substitution(group=_group_of(w)), by=a),  # type: ignore[arg-type]
        refused_as=(SubstituteNotAllowed,),
        actors=("other_teacher", "other_coordinator", "colleague"),
    ),
]


def _group_of(world: World) -> Any:
    return world.credential.pupil.memberships.get().group


_OPERATOR_CALLS: dict[str, Callable[[World, Any], object]] = {
    "do_import_register": lambda w, a: operator_actions.do_import_register(a, b"", file_name="r.csv"),
    "do_confirm_code_change": lambda w, a: operator_actions.do_confirm_code_change(a, None),  # type: ignore[arg-type]
    "do_change_school_code": lambda w, a: operator_actions.do_change_school_code(a, w.school, "56EF00"),
    "do_reject_code_change": lambda w, a: operator_actions.do_reject_code_change(a, None),  # type: ignore[arg-type]
    "do_add_manual_location": lambda w, a: operator_actions.do_add_manual_location(a, "99ZZ00", name="X"),
    "do_approve_request": lambda w, a: operator_actions.do_approve_request(a, None),  # type: ignore[arg-type]
    "do_refuse_request": lambda w, a: operator_actions.do_refuse_request(a, None, "nee"),  # type: ignore[arg-type]
    "do_record_agreement": lambda w, a: operator_actions.do_record_agreement(
        a, party="12AB00", signed_by="X", signed_on=dt.date(2026, 1, 1), version="1", pdf=b"%PDF"
    ),
    "do_close_school": lambda w, a: operator_actions.do_close_school(a, w.school),
    "do_post_notice": lambda w, a: operator_actions.do_post_notice(
        a,
        title_nl="t",
        title_en="t",
        body_nl="b",
        body_en="b",
        severity="info",
        audience="everyone",
        starts_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    ),
    "do_end_notice": lambda w, a: operator_actions.do_end_notice(a, None),  # type: ignore[arg-type]
    "do_register_partner": lambda w, a: operator_actions.do_register_partner(a, {}),
    "do_new_client_secret": lambda w, a: operator_actions.do_new_client_secret(a, None),  # type: ignore[arg-type]
    "do_cancel_reorganisation": lambda w, a: operator_actions.do_cancel_reorganisation(a, None),  # type: ignore[arg-type]
    "do_merge_schools": lambda w, a: operator_actions.do_merge_schools(
        a, [w.school], code="56EF00", name="Samen", effective_on=dt.date(2027, 8, 1)
    ),
    "do_split_school": lambda w, a: operator_actions.do_split_school(
        a, w.school, [], effective_on=dt.date(2027, 8, 1)
    ),
}
# Operator actions (twofactor.operators.require_operator): staff accounts and parents are refused.
CASES += [
    Case(f"klaspoort.operator.actions.{name}", lambda w, a, call=call: call(w, _account_of(a)), actors=(
        "coordinator", "other_teacher", "parent"))
    for name, call in _OPERATOR_CALLS.items()
]  # fmt: skip
CASES.append(
    Case(
        "klaspoort.helpcentre.actions.do_save_article",
        lambda w, a: do_save_article(_account_of(a), None, title_nl="x"),
        actors=("coordinator", "other_teacher", "parent"),
    )
)


def _account_of(actor: object) -> object:
    """The account behind a staff placement (operator actions take the signed-in account)."""
    staff = getattr(actor, "staff", None)
    if staff is None:
        return actor
    if staff.account is None:
        staff.account = Account.objects.create_user(staff.email, "wachtwoord-123", kind="staff")
        staff.save(update_fields=["account"])
    return staff.account


def _with_staff_access(case: Case) -> Case:
    if ".roster_actions." not in case.action:
        return case
    inner = case.call
    return Case(case.action, lambda w, a: inner(w, staff_access(a)), case.refused_as, case.actors)


PAIRS = [(_with_staff_access(case), actor) for case in CASES for actor in case.actors]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("case", "actor"), PAIRS, ids=[f"{c.action.rsplit('.', 1)[1]}-{a}" for c, a in PAIRS]
)
def test_an_unauthorised_actor_is_refused_and_nothing_changes(case: Case, actor: str) -> None:
    world = make_world()
    who = world.actor(actor)
    if case.action.startswith(("klaspoort.operator.", "klaspoort.helpcentre.")):
        who = _account_of(who)  # accounts made before the snapshot
    before = snapshot()
    with pytest.raises(case.refused_as):
        case.call(world, who)
    assert snapshot() == before


@pytest.mark.django_db
def test_the_school_actions_let_their_own_people_through() -> None:
    """The guards refuse only the wrong people: the coordinator changes the school's network and
    two-factor rule, the pupil's teacher changes the pupil's picture and addresses; the audit trail
    names them as the pages did (`staff:<uuid>`)."""
    from klaspoort.audit.models import AuditEvent

    world = make_world()
    network.do_set_network_mode(world.school, "dynamic", actor=world.coordinator)
    do_set_coordinator_requirement(world.school, True, actor=world.coordinator)
    group = world.credential.pupil.memberships.get().group
    do_set_picture(
        world.credential, "uil", group=group, actor=world.teacher, school_ref=world.school.instelling_ref
    )
    do_set_home_addresses(world.pupil, ["ander@thuis.example"], actor=world.teacher)
    actors = dict(
        AuditEvent.objects.filter(
            action__in=[
                "school.network_mode",
                "twofactor.school_setting",
                "pupil.picture_changed",
                "home.address_added",
            ]
        )
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actors == {
        "school.network_mode": f"staff:{world.coordinator.staff.uuid}",
        "twofactor.school_setting": f"staff:{world.coordinator.staff.uuid}",
        "pupil.picture_changed": f"staff:{world.teacher.staff.uuid}",
        "home.address_added": f"staff:{world.teacher.staff.uuid}",
    }


@pytest.mark.django_db
def test_a_placement_ended_since_the_page_was_shown_no_longer_counts() -> None:
    """The guard reads the placement again: a coordinator removed after loading the page is refused."""
    world = make_world()
    stale = world.coordinator
    type(stale).objects.filter(pk=stale.pk).update(active=False)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        network.do_set_network_mode(world.school, "dynamic", actor=stale)
    assert snapshot() == before


# Actions that check no person's permission, and why. Each names the test file that shows a wrong
# token, code or password (or a refused input) changes nothing, where one applies.
NOT_PERSON_GUARDED: dict[str, str] = {
    # Proved by what the caller holds: a mailed token, a password, a code, a signed request.
    "klaspoort.accounts.actions.do_activate": "token (tests/accounts/test_actions.py)",
    "klaspoort.accounts.actions.do_reset_password": "token (tests/accounts/test_actions.py)",
    "klaspoort.accounts.actions.do_request_password_reset": "anyone; throttled, same answer (tests/accounts/test_actions.py)",
    "klaspoort.accounts.actions.do_change_password": "own account + current password (tests/accounts/test_actions.py)",
    "klaspoort.accounts.home.actions.do_activate_home": "token (tests/accounts/home/test_actions.py)",
    "klaspoort.accounts.home.actions.do_request_home_password_reset": "anyone; throttled (tests/accounts/home/test_actions.py)",
    "klaspoort.accounts.home.actions.do_reset_home_password": "token (tests/accounts/home/test_actions.py)",
    "klaspoort.accounts.pupils.actions.do_pupil_code_attempt": "the pupil's code, throttled (tests/accounts/pupils/)",
    "klaspoort.twofactor.actions.do_confirm_enrolment": "own account + first code (tests/twofactor/test_actions.py)",
    "klaspoort.twofactor.actions.do_new_recovery_codes": "own account, signed in with two factors (tests/twofactor/test_actions.py)",
    "klaspoort.twofactor.actions.do_turn_off": "own account + password, school rule (tests/twofactor/test_actions.py)",
    "klaspoort.schooladmin.actions.do_record_agent_report": "agent token (tests/schooladmin/test_actions.py)",
    "klaspoort.operator.account_requests.do_submit_request": "public form: creates a pending request only",
    "klaspoort.portal.actions.do_launch": "the signed-in principal's own licences; changes nothing",
    "klaspoort.portal.actions.do_launch_target": "the signed-in principal's own licences; changes nothing",
    "klaspoort.federation.saml.actions.do_issue_response": "the signed-in principal, the partner's consent",
    "klaspoort.laslink.actions.do_set_las_consent": "the LAS vendor's client credentials (laslink.credentials)",
    # Without a person: the command line, jobs, the demo; callers guarded above, or named actors.
    "klaspoort.accounts.actions.do_send_activation": "command line (activation-link) and guarded callers",
    "klaspoort.accounts.actions.do_set_password": "command line and demo only",
    "klaspoort.accounts.actions.do_end_all_sessions": "own account or system (password change, reset)",
    "klaspoort.accounts.pupils.actions.do_ensure_credentials": "system: credentials made on first need",
    "klaspoort.federation.actions.do_register_partner": "command line (add-partner)",
    "klaspoort.federation.actions.do_new_client_secret": "command line (partner-secret)",
    "klaspoort.federation.actions.do_withdraw_consent": "via guarded do_set_partner_consent, CLI, operator close",
    "klaspoort.federation.oidc.keys.do_rotate_keys": "command line (rotate-keys)",
    "klaspoort.federation.oidc.logout.do_end_partner_sessions": "system: follows a logout the person made",
    "klaspoort.federation.oidc.logout.do_end_person_grants": "system: a substitute's access ended (after commit)",
    "klaspoort.registry.actions.do_register_school": "command line; operator action guards its own call",
    "klaspoort.registry.register_import.do_import_register": "command line; operator action guards its own call",
    "klaspoort.registry.register_import.do_change_school_code": "command line; operator action guards its own call",
    "klaspoort.registry.register_import.do_reject_code_change": "operator action guards its own call",
    "klaspoort.roster.importing.actions.do_import_roster": "command line, LAS link; the coordinator's upload is guarded",
    "klaspoort.roster.importing.actions.do_import_edexml": "command line, LAS link; the coordinator's upload is guarded",
    "klaspoort.roster.importing.switch.do_switch_school_years": "nightly job",
    "klaspoort.laslink.actions.do_register_vendor": "command line (add-las-vendor)",
    "klaspoort.laslink.actions.do_rotate_vendor_secret": "command line (rotate-las-secret)",
    "klaspoort.laslink.actions.do_pause_links": "called by the guarded operator merge and split actions",
    "klaspoort.laslink.pushes.do_accept_push": "the LAS vendor's access token; the link must be its own and active",
    "klaspoort.laslink.tokens.do_revoke_vendor_tokens": "no person: a vendor-level step (secret rotated, a leak)",
    "klaspoort.accounts.pupils.login_cards.do_card_login": "the card's secret, throttled (tests/accounts/pupils/)",
}


def _actions_in_package() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(("klaspoort", *path.relative_to(SRC).with_suffix("").parts))
        found |= {
            f"{module}.{node.name}"
            for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("do_")
        }
    return found


def test_every_action_is_accounted_for() -> None:
    guarded = {case.action for case in CASES}
    found = _actions_in_package()
    assert not guarded & set(NOT_PERSON_GUARDED)
    missing = found - guarded - set(NOT_PERSON_GUARDED)
    assert not missing, f"actions without a guard test (add a Case, or a reason): {sorted(missing)}"
    assert not (guarded | set(NOT_PERSON_GUARDED)) - found, "listed actions that no longer exist"


def test_only_commands_jobs_and_the_demo_make_a_system_actor() -> None:
    """A page must act as the signed-in person: `SystemActor(` is written only where no person is."""
    allowed = (
        "management/commands/",
        "demo",
        "jobs/",
        "core/actors.py",
        "accounts/home/actions.py",  # the parent's own reset request
        "operator/actions.py",  # after require_operator: the operator approving an account request
        "operator/reorganisations.py",  # after require_operator: a merger keeps the two-factor rule
    )
    writers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "SystemActor(" in path.read_text(encoding="utf-8")
    )
    assert [path for path in writers if not any(part in path for part in allowed)] == []


# Actions that do not wrap all their work in one transaction, and why (every other action is
# decorated with `transaction.atomic` or opens one itself).
NO_SINGLE_TRANSACTION: dict[str, str] = {
    "klaspoort.accounts.actions.do_activate": "the password step is one transaction (set_password_with_token)",
    "klaspoort.accounts.actions.do_reset_password": "the password step is one transaction (set_password_with_token)",
    "klaspoort.accounts.home.actions.do_activate_home": "the password step is one transaction",
    "klaspoort.accounts.home.actions.do_reset_home_password": "the password step is one transaction",
    "klaspoort.accounts.actions.do_request_password_reset": "background job: one token, one queued mail",
    "klaspoort.accounts.home.actions.do_request_home_password_reset": "background job: one token, one queued mail",
    "klaspoort.accounts.actions.do_send_activation": "one token, and one mail queued for after commit",
    "klaspoort.accounts.actions.do_set_password": "command line and demo: one UPDATE, then tokens revoked",
    "klaspoort.accounts.actions.do_end_all_sessions": "sessions end on every worker; nothing to roll back",
    "klaspoort.accounts.actions.do_change_password": "the throttle's failed-attempt count must stay",
    "klaspoort.accounts.pupils.actions.do_pupil_code_attempt": "the throttle's failed-attempt count must stay",
    "klaspoort.accounts.pupils.login_cards.do_card_login": "the throttle's failed-attempt count must stay",
    "klaspoort.federation.oidc.logout.do_end_partner_sessions": "back-channel requests: no transaction held over HTTP",
    "klaspoort.federation.saml.actions.do_issue_response": "a read and its disclosure record (federation.disclosure)",
    "klaspoort.portal.actions.do_launch": "a redirect and its audit event; no state",
    "klaspoort.portal.actions.do_launch_target": "a redirect and its audit event; no state",
    "klaspoort.operator.actions.do_import_register": "calls one registry action, which is atomic",
    "klaspoort.operator.actions.do_change_school_code": "calls one registry action, which is atomic",
    "klaspoort.operator.actions.do_reject_code_change": "calls one registry action, which is atomic",
    "klaspoort.operator.actions.do_add_manual_location": "calls one registry action, which is atomic",
    "klaspoort.operator.actions.do_register_partner": "calls one federation action, which is atomic",
    "klaspoort.operator.actions.do_new_client_secret": "calls one federation action, which is atomic",
    "klaspoort.federation.oidc.logout.do_end_person_grants": "one UPDATE of the grants, then logout tokens queued",
    "klaspoort.roster.importing.actions.do_import_roster": "applies in one transaction under the school's lock; "
    "a refused file's run must stay recorded",
    "klaspoort.roster.importing.actions.do_import_edexml": "as do_import_roster",
    "klaspoort.roster.importing.switch.do_switch_school_years": "one transaction per school: one failure undoes no other",
    "klaspoort.schooladmin.roster_actions.do_preview_upload": "the import action's own transaction; the refused run stays",
    "klaspoort.schooladmin.roster_actions.do_apply_prepared": "the import action's own transaction; the refused run stays",
}


def _without_transaction() -> set[str]:
    found = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        module = ".".join(("klaspoort", *path.relative_to(SRC).with_suffix("").parts))
        for node in ast.parse(text).body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("do_")):
                continue
            decorated = any("atomic" in ast.unparse(each) for each in node.decorator_list)
            if not decorated and "atomic(" not in (ast.get_source_segment(text, node) or ""):
                found.add(f"{module}.{node.name}")
    return found


def test_every_action_runs_in_a_transaction_or_says_why_not() -> None:
    assert _without_transaction() == set(NO_SINGLE_TRANSACTION)


@pytest.mark.django_db
def test_a_merger_keeps_the_schools_two_factor_rule_for_its_coordinators() -> None:
    """The operator's merger sets the rule on the new location as a system actor after its own
    operator check (`do_set_coordinator_requirement` refuses a plain name since it guards itself)."""
    from klaspoort.core.clock import today
    from klaspoort.registry.models import SchoolLocation
    from klaspoort.twofactor.actions import coordinators_required
    from tests.operator.conftest import make_operator

    north, south = factories.school("12AB00", "De Regenboog"), factories.school("12AB01", "De Zonnebloem")
    factories.pupil(factories.group(north, "Groep 5", year_group="5"), "Zoë")
    factories.pupil(factories.group(south, "Groep 6", year_group="6"), "Daan")
    do_set_coordinator_requirement(north, True, actor=SYSTEM)
    operator_actions.do_merge_schools(
        make_operator(), [north, south], code="12AB02", name="Samen", effective_on=today()
    )
    merged = SchoolLocation.objects.get(brin="12AB", location_code="02")
    assert coordinators_required(merged) is True
