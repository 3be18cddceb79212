"""Demo data loaded by `make demo` (idempotent)."""

from __future__ import annotations


def load(school_code: str) -> None:
    """Import a generated roster into the demo school."""


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
    placements = StaffPlacement.objects.filter(school=school, active=True).select_related("staff")
    teacher = next((p for p in placements.order_by("staff__email") if StaffRole.TEACHER in p.roles), None)
    if teacher is None:
        teacher = do_create_staff(
            school,
            "leerkracht@demo.klaspoort.example",
            roles=[StaffRole.TEACHER],
            first_name="Lotte",
            surname="Leerkracht",
            actor="demo",
        )
    coordinator = do_create_staff(
        school,
        DEMO_COORDINATOR_EMAIL,
        roles=[StaffRole.ICT_COORDINATOR],
        first_name="Cor",
        surname="Coördinator",
        actor="demo",
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
