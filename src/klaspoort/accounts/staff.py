"""Staff accounts and roles (B4, B6, A5): accounts for imported staff, staff created by hand,
roles per school.

    ensure_staff_accounts(staff_members) -> list[Account]          inactive accounts for those without one
    send_activation_mails(accounts_with_staff, *, school=None) -> int   batched, one connection
    do_create_staff(school, email, *, roles, first_name="", infix="", surname="", actor) -> StaffPlacement
        `actor`: an ICT coordinator of the school, or a SystemActor (command line, operator approval)
    do_add_role(placement, role, *, by, actor="") -> bool       `by`: the acting placement (a coordinator)
    do_remove_role(placement, role, *, by, actor="") -> bool
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from klaspoort.accounts import tokens
from klaspoort.accounts.errors import AccountError
from klaspoort.accounts.language import mail_language
from klaspoort.accounts.mail import absolute_url, render_mail, send_mails
from klaspoort.accounts.models import Account, normalise_email
from klaspoort.accounts.permissions import Actor, can_grant_role, require_coordinator_of
from klaspoort.audit.events import record_event
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffMember, StaffPlacement, StaffRole


def ensure_staff_accounts(staff_members: Sequence[StaffMember]) -> list[Account]:
    """Give every staff member a login; new ones are inactive with an unusable password (C2).

    Links an existing staff account with the same address. Constant number of queries.
    Returns the accounts created now.
    """
    missing = [member for member in staff_members if member.account_id is None]
    if not missing:
        return []
    emails = [normalise_email(member.email) for member in missing]
    existing = {a.email for a in Account.objects.filter(kind=Account.Kind.STAFF, email__in=emails)}
    to_create = sorted({email for email in emails if email not in existing})
    Account.objects.bulk_create(
        Account(email=email, kind=Account.Kind.STAFF, is_active=False, password=make_password(None))
        for email in to_create
    )
    by_email = {a.email: a for a in Account.objects.filter(kind=Account.Kind.STAFF, email__in=emails)}
    for member in missing:
        member.account = by_email[normalise_email(member.email)]
    StaffMember.objects.bulk_update(missing, ["account"])
    created = set(to_create)
    return [by_email[email] for email in sorted(by_email) if email in created]


def send_activation_mails(
    accounts_with_staff: Iterable[tuple[Account, StaffMember | None]],
    *,
    school: SchoolLocation | None = None,
    actor: str = "",
) -> int:
    """Activation mails for inactive accounts: tokens in one query, mails over one connection."""
    pairs = [(account, staff) for account, staff in accounts_with_staff if not account.is_active]
    if not pairs:
        return 0
    raw_tokens = tokens.issue_tokens([account for account, _ in pairs], tokens.ACTIVATION)
    messages = [
        render_mail(
            account.email,
            "activation",
            {
                "link": absolute_url(reverse("accounts:activate", args=[raw_tokens[account.pk]])),
                "name": staff.first_name if staff else "",
                "school": school.name if school else "",
                "days": tokens.DEFAULT_LIFETIME.days,
            },
            language=mail_language(account),
        )
        for account, staff in pairs
    ]
    sent = send_mails(messages)
    record_event(
        "account.activation_sent",
        actor=actor,
        subject=f"school:{school.code}" if school else "",
        school_ref=school.instelling_ref if school else None,
        accounts=[str(account.uuid) for account, _ in pairs],
    )
    return sent


def _roles(values: Iterable[str]) -> list[str]:
    roles = []
    for value in values:
        if value not in StaffRole.values:
            raise AccountError(
                gettext("Onbekende rol '%(role)s'. Kies uit: %(roles)s.")
                % {"role": value, "roles": ", ".join(StaffRole.values)}
            )
        if value not in roles:
            roles.append(value)
    if not roles:
        raise AccountError(gettext("Geef minstens één rol op."))
    return roles


def do_create_staff(
    school: SchoolLocation,
    email: str,
    *,
    roles: Iterable[str],
    first_name: str = "",
    infix: str = "",
    surname: str = "",
    actor: Actor,
) -> StaffPlacement:
    """A coordinator or support staff member created by hand (B4, A5); an activation mail follows.

    An existing person (same address) gets a placement at this school or the extra roles. `actor`:
    an ICT coordinator of the school (`require_coordinator_of`; PermissionDenied for anyone else),
    or a system actor (the create-staff command, the operator's approval of an account request).
    """
    by = require_coordinator_of(actor, school)
    address = normalise_email(email)
    try:
        validate_email(address)
    except ValidationError as exc:
        raise AccountError(gettext("'%(email)s' is geen geldig e-mailadres.") % {"email": email}) from exc
    wanted = _roles(roles)
    with transaction.atomic():
        staff, _ = StaffMember.objects.get_or_create(
            email=address,
            defaults={"first_name": first_name.strip(), "infix": infix.strip(), "surname": surname.strip()},
        )
        placement, created = StaffPlacement.objects.get_or_create(
            school=school,
            staff=staff,
            defaults={"roles": wanted, "source": StaffPlacement.Source.MANUAL, "las_key": None},
        )
        if not created:
            placement.roles = [*placement.roles, *(r for r in wanted if r not in placement.roles)]
            placement.active = True
            placement.deactivated_at = None
            placement.save(update_fields=["roles", "active", "deactivated_at"])
            _without_days(placement)
        ensure_staff_accounts([staff])
        record_event(
            "staff.created" if created else "staff.roles_added",
            actor=by,
            subject=f"staff:{staff.uuid}",
            school_ref=school.instelling_ref,
            roles=wanted,
        )
    assert staff.account is not None
    send_activation_mails([(staff.account, staff)], school=school, actor=by)
    return placement


def _without_days(placement: StaffPlacement) -> None:
    """A substitute (C14) given another role is staff like the others from now on: their placement
    and group memberships lose the days of their own (`roster.rules.within_days_q`)."""
    if placement.starts_on is None and placement.ends_on is None:
        return
    placement.starts_on = placement.ends_on = None
    placement.save(update_fields=["starts_on", "ends_on"])
    placement.memberships.update(starts_on=None, ends_on=None)


def _coordinator_count(school_id: int) -> int:
    return sum(
        1
        for roles in StaffPlacement.objects.active_at(school_id).values_list("roles", flat=True)
        if StaffRole.ICT_COORDINATOR in roles
    )


def _check_may_grant(by: StaffPlacement | None, placement: StaffPlacement, role: str) -> None:
    if not isinstance(by, StaffPlacement) or not can_grant_role(by, placement, role):
        raise AccountError(gettext("Alleen een ICT-coördinator van deze school kan rollen geven of afnemen."))


@transaction.atomic
def do_add_role(placement: StaffPlacement, role: str, *, by: StaffPlacement | None, actor: str = "") -> bool:
    """Add a platform role at this placement's school (B6), when `by` may grant it (a coordinator
    of the same school: `permissions.can_grant_role`). False if it was there already."""
    (role,) = _roles([role])
    _check_may_grant(by, placement, role)
    if role in placement.roles:
        return False
    placement.roles = [*placement.roles, role]
    placement.save(update_fields=["roles"])
    if role != StaffRole.SUBSTITUTE:
        _without_days(placement)
    record_event(
        "staff.role_added",
        actor=actor,
        subject=f"staff:{placement.staff.uuid}",
        school_ref=placement.school.instelling_ref,
        role=role,
    )
    return True


@transaction.atomic
def do_remove_role(
    placement: StaffPlacement, role: str, *, by: StaffPlacement | None, actor: str = ""
) -> bool:
    """Remove a platform role, when `by` may (as for `do_add_role`). The last ICT coordinator of a
    school keeps theirs (A5)."""
    (role,) = _roles([role])
    _check_may_grant(by, placement, role)
    if role not in placement.roles:
        return False
    if (
        role == StaffRole.ICT_COORDINATOR
        and placement.active
        and _coordinator_count(placement.school_id) <= 1
    ):
        raise AccountError(
            gettext("Een school heeft minstens één ICT-coördinator nodig; wijs eerst een andere aan.")
        )
    placement.roles = [r for r in placement.roles if r != role]
    placement.save(update_fields=["roles"])
    record_event(
        "staff.role_removed",
        actor=actor,
        subject=f"staff:{placement.staff.uuid}",
        school_ref=placement.school.instelling_ref,
        role=role,
    )
    return True
