"""`klaspoort create-staff EMAIL --school 12AB00 --role ROLE [--name "…"]`: a staff member by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.accounts.errors import AccountError
from klaspoort.accounts.staff import do_create_staff
from klaspoort.core.actors import SystemActor
from klaspoort.core.commands import TranslatedCommand
from klaspoort.registry.actions import find_school
from klaspoort.roster.models import StaffRole


def split_name(name: str) -> tuple[str, str, str]:
    """ "Anna de Vries" -> ("Anna", "de", "Vries"); lower-case words between first and last are the infix."""
    words = name.split()
    if not words:
        return "", "", ""
    if len(words) == 1:
        return words[0], "", ""
    middle = words[1:-1]
    infix = [w for w in middle if w.islower()]
    rest = [w for w in middle if not w.islower()]
    return " ".join([words[0], *rest]), " ".join(infix), words[-1]


class Command(TranslatedCommand):
    help = "Create a staff member (coordinator or support staff) at a school and mail an activation link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--school", required=True, help="school code, e.g. 12AB00")
        parser.add_argument(
            "--role", required=True, action="append", choices=StaffRole.values, help="repeat for more roles"
        )
        parser.add_argument("--name", default="", help='full name, e.g. "Anna de Vries"')

    def handle(self, *args: Any, **options: Any) -> None:
        school = find_school(options["school"])
        if school is None:
            raise CommandError(_("School %(school)s is niet geregistreerd.") % {"school": options["school"]})
        first_name, infix, surname = split_name(options["name"])
        try:
            placement = do_create_staff(
                school,
                options["email"],
                roles=options["role"],
                first_name=first_name,
                infix=infix,
                surname=surname,
                actor=SystemActor("command:create-staff"),
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        account = placement.staff.account
        if account is not None and account.is_active:
            line = _("%(email)s bij %(school)s: rollen %(roles)s (account is al actief)")
        else:
            line = _("%(email)s bij %(school)s: rollen %(roles)s (activeringsmail verstuurd)")
        self.stdout.write(
            line
            % {"email": placement.staff.email, "school": school.code, "roles": ", ".join(placement.roles)}
        )
