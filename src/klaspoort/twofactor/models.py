"""Two-factor devices, recovery codes, and the school setting that requires them for coordinators."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from klaspoort.registry.models import SchoolLocation


class TotpDevice(models.Model):
    """An authenticator app (TOTP, RFC 6238) of one account.

    `secret` holds the shared secret encrypted (`crypto.seal`); it is shown only while enrolling and
    never again once confirmed. `last_step` is the last accepted 30-second step: a code works once.
    """

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.TextField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    def __str__(self) -> str:
        return f"TOTP of account {self.account_id}{'' if self.confirmed else ' (not confirmed)'}"


class RecoveryCode(models.Model):
    """One single-use recovery code, stored only as a keyed hash (`crypto.recovery_digest`)."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "digest"], name="unique_recovery_code")]

    def __str__(self) -> str:
        return f"recovery code of account {self.account_id}{' (used)' if self.used_at else ''}"


class SchoolTwoFactorPolicy(models.Model):
    """A school's choice: its ICT coordinators must sign in with two factors."""

    school = models.OneToOneField(SchoolLocation, on_delete=models.CASCADE, related_name="twofactor_policy")
    coordinators_required = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        verb = "must" if self.coordinators_required else "may"
        return f"{self.school.code}: coordinators {verb} use two-factor"
