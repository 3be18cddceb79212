"""LAS vendors (registered clients) and the link of one school with its LAS (rule B1, B2).

A link is active only when both sides consent (B2): the LAS has enabled the platform for the school
(`las_enabled`, set through the connector API with the vendor's credentials) and an ICT coordinator
has switched the automatic link on in the school console (`school_enabled`). Either side can end it;
the school then imports by hand again (A7).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from klaspoort.registry.models import SchoolLocation


class LasVendor(models.Model):
    """A LAS vendor (leverancier leerlingadministratiesysteem) as a registered client.

    Authenticates with `client_id` and a secret kept only as a keyed hash; a rotated secret's
    predecessor keeps working until `previous_valid_until`, so the vendor can switch without a gap.
    """

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    client_id = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=64)
    previous_secret_hash = models.CharField(max_length=64, blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    pull_url = models.CharField(
        max_length=500,
        blank=True,
        help_text="where the platform fetches EDEXML; {school} = BRIN + location code",
    )
    max_concurrency = models.PositiveSmallIntegerField(default=4, help_text="syncs at once against its API")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class LasLinkQuerySet(models.QuerySet["LasLink"]):
    def active(self) -> LasLinkQuerySet:
        """Both sides consent, the vendor is active and no merger or split holds it: the link runs (B2)."""
        return self.filter(las_enabled=True, school_enabled=True, vendor__active=True, paused_at__isnull=True)


class LasLink(models.Model):
    """The automatic link of one school with one LAS vendor."""

    class Outcome(models.TextChoices):
        NONE = "", "-"
        OK = "ok", "ok"
        HELD = "held", "held"
        REFUSED = "refused", "refused"
        RETRYING = "retrying", "retrying"
        FAILED = "failed", "failed"

    school = models.OneToOneField(SchoolLocation, on_delete=models.CASCADE, related_name="las_link")
    vendor = models.ForeignKey(LasVendor, on_delete=models.PROTECT, related_name="links")
    las_enabled = models.BooleanField(default=False)
    las_changed_at = models.DateTimeField(null=True, blank=True)
    school_enabled = models.BooleanField(default=False)
    school_changed_at = models.DateTimeField(null=True, blank=True)
    school_changed_by = models.CharField(max_length=128, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    paused_at = models.DateTimeField(
        null=True, blank=True, help_text="held by a merger or split of the school (A8): no runs, no pushes"
    )
    paused_reason = models.CharField(max_length=200, blank=True)

    objects: ClassVar[LasLinkQuerySet] = LasLinkQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        indexes = [models.Index(fields=["school_enabled", "las_enabled", "next_run_at"])]

    @property
    def is_active(self) -> bool:
        return self.las_enabled and self.school_enabled and self.vendor.active and self.paused_at is None

    def __str__(self) -> str:
        return f"{self.school_id} ↔ {self.vendor_id}"
