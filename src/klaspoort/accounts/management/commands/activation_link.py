"""`klaspoort activation-link EMAIL`: print a fresh activation URL (the previous link stops working)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from klaspoort.accounts.actions import activation_link
from klaspoort.accounts.models import Account, normalise_email
from klaspoort.audit.events import record_event
from klaspoort.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = "Print a new activation link for a staff account that is not active yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        account = Account.objects.filter(
            email=normalise_email(options["email"]), kind=Account.Kind.STAFF
        ).first()
        if account is None:
            raise CommandError(
                _("Er is geen medewerkersaccount met het adres %(email)s.") % {"email": options["email"]}
            )
        if account.is_active:
            raise CommandError(
                _("%(email)s is al geactiveerd; een nieuw wachtwoord gaat via 'wachtwoord vergeten'.")
                % {"email": account.email}
            )
        link = activation_link(account)
        record_event(
            "account.activation_link_issued",
            actor="command:activation-link",
            subject=f"account:{account.uuid}",
        )
        self.stdout.write(link)
