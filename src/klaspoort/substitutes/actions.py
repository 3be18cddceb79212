"""Substitute actions (C14). Each runs in a transaction and checks the actor's permission itself
(`accounts.permissions.can_arrange_substitute`: the school's coordinators and the group's teachers).

    do_activate_substitute(group, *, by, first_name, surname, email, first_day, school_days, actor)
        -> Substitution                   the slot taken, placement + membership with its days, mail
    do_end_substitute(substitution, *, by, actor) -> bool      early end by hand; False if ended
    end_finished_substitutions(on=None) -> dict                the job: mark ended after the last
                                                                day, then cut off (sessions, SSO)
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from klaspoort.accounts import tokens
from klaspoort.accounts.language import mail_language
from klaspoort.accounts.mail import absolute_url, render_mail, send_mails
from klaspoort.accounts.models import Account, normalise_email
from klaspoort.accounts.permissions import can_arrange_substitute
from klaspoort.accounts.staff import ensure_staff_accounts
from klaspoort.audit.events import record_event
from klaspoort.core import clock
from klaspoort.roster.models import Group, StaffMember, StaffMembership, StaffPlacement, StaffRole
from klaspoort.substitutes import days
from klaspoort.substitutes.ending import cut_off
from klaspoort.substitutes.models import Substitution

MAX_DAYS_AHEAD = 60  # a substitute is planned at most this many days ahead (a typo's year 2062)
NAME_MAX = 200  # StaffMember.first_name / surname

NOT_ALLOWED = gettext_lazy(
    "Alleen de ICT-coördinator van de school of een leerkracht van deze groep kan een invaller regelen."
)


class SubstituteError(ValueError):
    """A substitute action was refused; str(error) says why in plain language."""


class NotAllowed(SubstituteError):
    """The actor may not arrange substitutes for this group (a 403 in the views)."""


def _check_allowed(by: StaffPlacement | None, group: Group) -> None:
    if not can_arrange_substitute(by, group):
        raise NotAllowed(str(NOT_ALLOWED))


def _name_of(by: StaffPlacement | None) -> str:
    return by.staff.full_name if by is not None else ""


def _check_days(first_day: dt.date, school_days: int, today: dt.date) -> dt.date:
    if school_days not in days.CHOICES:
        raise SubstituteError(
            gettext("Een invaller kan 1, 2 of 5 schooldagen werken, niet %(count)s.") % {"count": school_days}
        )
    if first_day < today:
        raise SubstituteError(gettext("De eerste dag ligt in het verleden; kies vandaag of later."))
    if first_day > today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise SubstituteError(
            gettext("Je kunt een invaller hoogstens %(days)s dagen vooruit regelen.")
            % {"days": MAX_DAYS_AHEAD}
        )
    if not days.is_school_day(first_day):
        raise SubstituteError(gettext("De eerste dag moet een schooldag zijn (maandag tot en met vrijdag)."))
    return days.last_school_day(first_day, school_days)


def _check_email(email: str) -> str:
    address = normalise_email(email)
    try:
        validate_email(address)
    except ValidationError as exc:
        raise SubstituteError(gettext("'%(email)s' is geen geldig e-mailadres.") % {"email": email}) from exc
    if Account.objects.filter(email=address).exclude(kind=Account.Kind.STAFF).exists():
        raise SubstituteError(
            gettext("Dit e-mailadres hoort al bij een ander soort account (zoals een ouder); kies een ander.")
        )
    others = StaffPlacement.objects.filter(staff__email=address, active=True).values_list("roles", flat=True)
    if any(set(roles) - {StaffRole.SUBSTITUTE} for roles in others):
        raise SubstituteError(
            gettext("Dit e-mailadres hoort al bij een medewerker die geen invaller is; kies een ander.")
        )
    return address


def _check_name(first_name: str, surname: str) -> tuple[str, str]:
    first, last = first_name.strip(), surname.strip()
    if not first or not last:
        raise SubstituteError(gettext("Vul de voornaam en de achternaam van de invaller in."))
    if len(first) > NAME_MAX or len(last) > NAME_MAX:
        raise SubstituteError(gettext("De naam is te lang (hoogstens %(max)s tekens).") % {"max": NAME_MAX})
    return first, last


def is_substitute_placement(placement: StaffPlacement) -> bool:
    """Only the substitute role (or none): the placement is the substitute slot's to manage. One that
    got another role meanwhile (an import listing the person as a teacher) is left alone."""
    return set(placement.roles) <= {StaffRole.SUBSTITUTE.value}


def sync_placement(placement: StaffPlacement) -> None:
    """The substitute's placement covers the days of its live substitutions (first to last); with
    none left it is switched off (the history stays in `Substitution`)."""
    if not is_substitute_placement(placement):
        return
    live = list(Substitution.objects.live().filter(placement=placement).values_list("first_day", "last_day"))
    if live:
        placement.starts_on = min(first for first, _ in live)
        placement.ends_on = max(last for _, last in live)
        placement.active, placement.deactivated_at = True, None
    else:
        placement.active, placement.deactivated_at = False, clock.now()
    placement.roles = [StaffRole.SUBSTITUTE.value]
    placement.save(update_fields=["starts_on", "ends_on", "active", "deactivated_at", "roles"])


def _placement_for(staff: StaffMember, group: Group) -> StaffPlacement:
    placement, _created = StaffPlacement.objects.select_for_update().get_or_create(
        school_id=group.school_id,
        staff=staff,
        defaults={
            "roles": [StaffRole.SUBSTITUTE.value],
            "source": StaffPlacement.Source.MANUAL,
            "las_key": None,
            "active": False,
        },
    )
    return placement


def _mail(substitution: Substitution, staff: StaffMember, account: Account) -> None:
    group = substitution.group
    context = {
        "name": staff.first_name,
        "school": group.school.name,
        "group": group.name,
        "first_day": substitution.first_day,
        "last_day": substitution.last_day,
        "login": absolute_url(reverse("accounts:login")),
        "link": "",
    }
    if not account.is_active:
        # The link works until the end of the last day (at most the usual 14 days).
        end = timezone.make_aware(
            dt.datetime.combine(substitution.last_day + dt.timedelta(days=1), dt.time())
        )
        lifetime = min(end - clock.now(), tokens.DEFAULT_LIFETIME)
        raw = tokens.issue_token(account, tokens.ACTIVATION, lifetime=lifetime)
        context["link"] = absolute_url(reverse("accounts:activate", args=[raw]))
    message = render_mail(
        account.email, "substitutes/mail/activated", context, language=mail_language(account)
    )
    send_mails([message])


@transaction.atomic
def do_activate_substitute(
    group: Group,
    *,
    by: StaffPlacement | None,
    first_name: str,
    surname: str,
    email: str,
    first_day: dt.date,
    school_days: int,
    actor: str = "",
) -> Substitution:
    """Take the group's substitute slot for `school_days` school days from `first_day` (C14).

    The substitute (one staff member and account per address, also in a second group) gets a
    placement at the school with only the substitute role and a membership of the group, both with
    the first and last day, and a mail: the activation link, or the notice when the account is active
    already. Refused (nothing changes): an actor who may not, more than 5 or another number of
    school days, a first day in the past or not a school day, an address of another kind of account
    (a parent, an operator) or of a staff member who is not a substitute, a slot already taken.
    """
    _check_allowed(by, group)
    last_day = _check_days(first_day, school_days, clock.today())
    first, last = _check_name(first_name, surname)
    address = _check_email(email)
    Group.objects.select_for_update().filter(pk=group.pk).first()  # one activation per slot at a time
    if Substitution.objects.live().filter(group=group).exists():
        raise SubstituteError(gettext("Deze groep heeft al een invaller; beëindig die eerst."))
    staff, _ = StaffMember.objects.get_or_create(
        email=address, defaults={"first_name": first, "surname": last}
    )
    placement = _placement_for(staff, group)
    substitution = Substitution.objects.create(
        group=group,
        placement=placement,
        name=f"{first} {last}",
        email=address,
        first_day=first_day,
        last_day=last_day,
        school_days=school_days,
        activated_at=clock.now(),
        activated_by=actor,
        activated_by_name=_name_of(by),
    )
    StaffMembership.objects.update_or_create(
        placement=placement,
        group=group,
        defaults={"starts_on": first_day, "ends_on": last_day, "las_roles": []},
    )
    sync_placement(placement)
    ensure_staff_accounts([staff])
    assert staff.account is not None
    _mail(substitution, staff, staff.account)
    record_event(
        "substitute.activated",
        actor=actor,
        subject=f"staff:{staff.uuid}",
        school_ref=group.school.instelling_ref,
        substitution=str(substitution.uuid),
        group=str(group.uuid),
        first_day=first_day.isoformat(),
        last_day=last_day.isoformat(),
        school_days=school_days,
    )
    return substitution


def _end(substitution: Substitution, ending: str, actor: str, by_name: str) -> None:
    """Mark it ended, remove the membership and narrow the placement (in the caller's transaction);
    the cut-off (sessions, SSO grants, back-channel logout) follows after the commit."""
    substitution.ended_at, substitution.ended_by = clock.now(), actor
    substitution.ended_by_name, substitution.ending = by_name, ending
    if not is_substitute_placement(substitution.placement):
        # Regular staff of the school by now (an import): their membership and sessions stay.
        substitution.cut_off_at = substitution.ended_at
        substitution.save(update_fields=["ended_at", "ended_by", "ended_by_name", "ending", "cut_off_at"])
        return
    substitution.save(update_fields=["ended_at", "ended_by", "ended_by_name", "ending"])
    StaffMembership.objects.filter(placement=substitution.placement_id, group=substitution.group_id).delete()
    sync_placement(substitution.placement)
    pk = substitution.pk
    transaction.on_commit(lambda: cut_off(Substitution.objects.filter(pk=pk)))


@transaction.atomic
def do_end_substitute(substitution: Substitution, *, by: StaffPlacement | None, actor: str = "") -> bool:
    """End a substitute early, by hand (C14): from now on the substitute no longer sees the group;
    their sessions at the school and SSO grants end after the commit. False when it had ended."""
    _check_allowed(by, substitution.group)
    locked = (
        Substitution.objects.select_for_update()
        .select_related("group__school", "placement__staff")
        .get(pk=substitution.pk)
    )
    if locked.ended_at is not None:
        return False
    _end(locked, Substitution.Ending.BY_HAND, actor, _name_of(by))
    record_event(
        "substitute.ended",
        actor=actor,
        subject=f"staff:{locked.placement.staff.uuid}",
        school_ref=locked.group.school.instelling_ref,
        substitution=str(locked.uuid),
        group=str(locked.group.uuid),
        ending=Substitution.Ending.BY_HAND.value,
    )
    substitution.ended_at, substitution.ending = locked.ended_at, locked.ending
    return True


def end_finished_substitutions(on: dt.date | None = None) -> dict[str, int]:
    """The housekeeping job: substitutions past their last day are marked ended ("expired"), and
    every ended substitution not cut off yet is (sessions, SSO grants, back-channel logout). Access
    had ended at the end of the last day already (the roster rules); this tidies up. Safe to run
    twice."""
    day = on or clock.today()
    expired = 0
    for pk in list(Substitution.objects.finished(day).values_list("pk", flat=True)):
        with transaction.atomic():
            found = (
                Substitution.objects.select_for_update()
                .finished(day)
                .select_related("group__school", "placement__staff")
                .filter(pk=pk)
                .first()
            )
            if found is None:
                continue
            _end(found, Substitution.Ending.EXPIRED, "job:end-substitutions", "")
            record_event(
                "substitute.ended",
                actor="job:end-substitutions",
                subject=f"staff:{found.placement.staff.uuid}",
                school_ref=found.group.school.instelling_ref,
                substitution=str(found.uuid),
                group=str(found.group.uuid),
                ending=Substitution.Ending.EXPIRED.value,
            )
            expired += 1
    counts = cut_off(Substitution.objects.to_cut_off())
    return {"expired": expired, **counts}
