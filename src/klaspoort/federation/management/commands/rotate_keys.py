from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from klaspoort.core.commands import TranslatedCommand
from klaspoort.federation.oidc.config import DEFAULT_KEY_RETENTION, DEFAULT_PUBLISH_AHEAD
from klaspoort.federation.oidc.keys import do_rotate_keys


class Command(TranslatedCommand):
    help = (
        "Announce new OpenID Connect signing keys (ES256 and RS256). They are published at once and "
        "sign after --publish-ahead seconds; the old keys stay published for --retention seconds more."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--publish-ahead", type=int, default=DEFAULT_PUBLISH_AHEAD, metavar="SECONDS")
        parser.add_argument("--retention", type=int, default=DEFAULT_KEY_RETENTION, metavar="SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = do_rotate_keys(
            publish_ahead=options["publish_ahead"], retention=options["retention"], actor="cli"
        )
        for key in keys:
            self.stdout.write(
                _("%(alg)s %(kid)s: gepubliceerd, tekent vanaf %(moment)s")
                % {"alg": key.alg, "kid": key.kid, "moment": f"{key.signs_from:%Y-%m-%d %H:%M:%S %Z}"}
            )
