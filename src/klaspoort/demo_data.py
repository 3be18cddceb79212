"""Demo data loaded by `make demo` (idempotent): a generated roster of about 200 pupils imported
into the demo school the same way a school's own file would be."""

from __future__ import annotations

from klaspoort.core.actors import SystemActor
from klaspoort.registry.actions import find_school
from klaspoort.roster.edexml.generator import generate_roster
from klaspoort.roster.edexml.writer import write_edexml
from klaspoort.roster.importing.actions import ImportOutcome, do_import_edexml
from klaspoort.roster.models import ImportRun

DEMO_PUPILS = 212
DEMO_SEED = 2026


def load(school_code: str) -> ImportOutcome:
    """Import the demo roster for the current school year into `school_code` (which must be
    registered). Loading it again changes nothing."""
    school = find_school(school_code)
    if school is None:
        raise LookupError(f"school {school_code} is not registered")
    document = generate_roster(school.code, DEMO_PUPILS, seed=DEMO_SEED)
    return do_import_edexml(
        school,
        write_edexml(document),
        source=ImportRun.Source.CLI,
        actor="demo",
        file_name="demo-EDEX.XML",
        allow_mass_removal=True,
    )


DEMO_TEACHER_PASSWORD = "Zonnebloem-42"  # noqa: S105 (printed by make demo on purpose)
DEMO_COORDINATOR_EMAIL = "coordinator@demo.klaspoort.example"
DEMO_COORDINATOR_PASSWORD = "Klaproos-2026"  # noqa: S105


def staff_credentials(school_code: str) -> list[tuple[str, str, str]]:
    """Activate one demo teacher and one demo coordinator with known passwords.

    Returns (role label, email, password) rows for `make demo` to print. Idempotent.
    """
    from klaspoort.accounts.actions import do_set_password
    from klaspoort.accounts.staff import do_create_staff, ensure_staff_accounts
    from klaspoort.registry.actions import find_school
    from klaspoort.roster.models import StaffPlacement, StaffRole

    school = find_school(school_code)
    if school is None:
        return []
    placements = StaffPlacement.objects.active_at(school).select_related("staff")
    teacher = next((p for p in placements.order_by("staff__email") if StaffRole.TEACHER in p.roles), None)
    if teacher is None:
        teacher = do_create_staff(
            school,
            "leerkracht@demo.klaspoort.example",
            roles=[StaffRole.TEACHER],
            first_name="Lotte",
            surname="Leerkracht",
            actor=SystemActor("demo"),
        )
    coordinator = do_create_staff(
        school,
        DEMO_COORDINATOR_EMAIL,
        roles=[StaffRole.ICT_COORDINATOR],
        first_name="Cor",
        surname="Coördinator",
        actor=SystemActor("demo"),
    )
    rows = []
    for label, placement, password in (
        ("leerkracht", teacher, DEMO_TEACHER_PASSWORD),
        ("ICT-coördinator", coordinator, DEMO_COORDINATOR_PASSWORD),
    ):
        ensure_staff_accounts([placement.staff])
        account = placement.staff.account
        assert account is not None
        do_set_password(account, password, actor="demo")
        rows.append((label, account.email, password))
    return rows


DEMO_PARENT_EMAIL = "ouder@demo.klaspoort.example"
DEMO_PARENT_PASSWORD = "Thuiswerk-2026"  # noqa: S105 (printed by make demo on purpose)
DEMO_CHILD_CODES = {"pin": "4821", "pictures": "ster,maan"}


def home_credentials(school_code: str) -> tuple[tuple[str, str], list[tuple[str, str, str]]]:
    """One demo parent holding two demo children: an older pupil with a PIN and a young one with
    a picture password, each with a known code. Idempotent.

    Returns ((email, password), [(child first name, group name, code)]) for `make demo` to print.
    """
    from klaspoort.accounts.actions import do_set_password
    from klaspoort.accounts.home.actions import do_set_home_addresses
    from klaspoort.accounts.models import Account
    from klaspoort.accounts.pupils.actions import do_new_code, ensure_credential, verify_code
    from klaspoort.accounts.pupils.codes import CodeKind, default_kind
    from klaspoort.accounts.pupils.queries import current_home_groups
    from klaspoort.roster.models import PupilMembership

    school = find_school(school_code)
    if school is None:
        return ("", ""), []
    memberships = (
        PupilMembership.objects.of_active_pupils()
        .filter(group__in=current_home_groups().filter(school=school))
        .select_related("group", "pupil__school")
        .order_by("group__year_group", "group__name", "pupil__first_name", "pk")
    )
    chosen: dict[CodeKind, PupilMembership] = {}
    for membership in memberships:  # two children with different first names
        if membership.pupil.first_name not in {m.pupil.first_name for m in chosen.values()}:
            chosen.setdefault(default_kind(membership.group.year_group), membership)
    children = []
    for kind in (CodeKind.PIN, CodeKind.PICTURES):
        picked = chosen.get(kind)
        credential = ensure_credential(picked.pupil) if picked else None
        if picked is None or credential is None:
            continue
        code = DEMO_CHILD_CODES[kind.value]
        if credential.kind != kind.value or not verify_code(credential, picked.pupil.uuid, code):
            do_new_code(
                credential, actor=SystemActor("demo"), school_ref=school.instelling_ref, kind=kind, code=code
            )
        do_set_home_addresses(picked.pupil, [DEMO_PARENT_EMAIL], actor=SystemActor("demo"))
        children.append((picked.pupil.first_name, picked.group.name, code))
    account = Account.objects.filter(email=DEMO_PARENT_EMAIL, kind=Account.Kind.PARENT).first()
    if account is None:
        return ("", ""), []
    if not (account.is_active and account.check_password(DEMO_PARENT_PASSWORD)):
        do_set_password(account, DEMO_PARENT_PASSWORD, actor="demo")
    return (DEMO_PARENT_EMAIL, DEMO_PARENT_PASSWORD), children
