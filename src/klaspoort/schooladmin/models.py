"""The school network (C11): fixed addresses/ranges, or "dynamic" addresses reported by an agent."""

from __future__ import annotations

from django.db import models

from klaspoort.registry.models import SchoolLocation


class SchoolNetwork(models.Model):
    """Network settings of one school location.

    mode                     "fixed": the registered ranges; "dynamic": what the agents report
    restrict_pupil_shortcut  the pupil shortcut only works from the school network
    effective_networks       CIDR list in force now, kept up to date by the actions (read on every
                             shortcut request without another query)
    """

    class Mode(models.TextChoices):
        FIXED = "fixed", "vaste adressen"
        DYNAMIC = "dynamic", "dynamisch adres"

    school = models.OneToOneField(SchoolLocation, on_delete=models.CASCADE, related_name="network_settings")
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.FIXED)
    restrict_pupil_shortcut = models.BooleanField(default=False)
    effective_networks = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"network of school {self.school_id}"


class FixedRange(models.Model):
    """A fixed address or range of a school (IPv4 or IPv6, CIDR, stored normalised)."""

    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="fixed_ranges")
    cidr = models.CharField(max_length=64)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school", "cidr"], name="unique_school_range")]
        ordering = ["cidr"]

    def __str__(self) -> str:
        return self.cidr


class AgentToken(models.Model):
    """A token of the `klaspoort ip-agent` on a school PC. Only its SHA-256 is stored.

    The token is 256 random bits, so a plain hash suffices (no password hashing needed).
    """

    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="agent_tokens")
    label = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_report_at = models.DateTimeField(null=True, blank=True)
    last_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __str__(self) -> str:
        return f"agent token {self.pk} of school {self.school_id}"
