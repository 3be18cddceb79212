"""`klaspoort rotate-pupil-codes`: re-encrypt every stored pupil code with the newest key.

Put a new key in front of KLASPOORT_PUPIL_CODE_KEY (`NEW,OLD`), deploy, run this command, then
drop the old key. Codes that cannot be decrypted with any configured key are reported, not changed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from klaspoort.accounts.pupils import crypto
from klaspoort.accounts.pupils.models import PupilCredential
from klaspoort.audit.events import record_event

BATCH = 500


class Command(BaseCommand):
    help = "Versleutel alle leerlingcodes opnieuw met de nieuwste sleutel (KLASPOORT_PUPIL_CODE_KEY)."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = unreadable = 0
        last_id = 0
        while True:
            with transaction.atomic():
                batch = list(
                    PupilCredential.objects.select_for_update()
                    .filter(pk__gt=last_id)
                    .order_by("pk")
                    .only("pk", "secret")[:BATCH]
                )
                if not batch:
                    break
                changed = []
                for credential in batch:
                    try:
                        credential.secret = crypto.rotate(credential.secret)
                    except crypto.UnreadableCode:
                        unreadable += 1
                        continue
                    changed.append(credential)
                PupilCredential.objects.bulk_update(changed, ["secret"])
                rotated += len(changed)
                last_id = batch[-1].pk
        record_event(
            "pupil.codes_rotated", actor="command:rotate_pupil_codes", rotated=rotated, unreadable=unreadable
        )
        self.stdout.write(
            _("%(rotated)s codes opnieuw versleuteld, %(unreadable)s onleesbaar (niet gewijzigd).")
            % {"rotated": rotated, "unreadable": unreadable}
        )
