"""A pupil's means of logging in (leerlingplaatje + pincode or wachtwoordplaatjes).

Linked one-to-one to roster.Pupil; created on first need (shortcut or group overview).
"""

from __future__ import annotations

from django.db import models

from klaspoort.accounts.pupils.codes import CodeKind
from klaspoort.roster.models import Pupil


class PupilCredential(models.Model):
    """Picture, code kind and the encrypted code of one pupil, plus recent failed attempts.

    slug      random, meaningless id used in shortcut URLs instead of the pupil's uuid
    picture   identity picture key (pictures.py), unique within the pupil's home group
    secret    Fernet token of "<pupil uuid>|<kind>|<code>" (crypto.py)
    failed_attempts / last_failed_at
              wrong codes in the 24 hours up to last_failed_at, shown to the teacher
    card_hash / card_issued_at
              the login card in force (login_cards.py): a keyed hash of its QR secret, never the
              secret itself; empty when no card was printed. A new card overwrites it.
    """

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="pupil_credential")
    slug = models.CharField(max_length=24, unique=True)
    picture = models.CharField(max_length=40)
    kind = models.CharField(
        max_length=16, choices=[(CodeKind.PIN.value, "pincode"), (CodeKind.PICTURES.value, "plaatjes")]
    )
    secret = models.TextField()
    code_set_at = models.DateTimeField()
    failed_attempts = models.PositiveIntegerField(default=0)
    last_failed_at = models.DateTimeField(null=True, blank=True)
    card_hash = models.CharField(max_length=64, blank=True, default="")
    card_issued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"credential of pupil {self.pupil_id}"
