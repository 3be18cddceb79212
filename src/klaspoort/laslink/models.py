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


class PushedFile(models.Model):
    """An export a LAS pushed (POST /las/v1/schools/<code>/edexml), imported by a worker.

    The connector answers 202 with this row's id at once; a worker (`tasks.import_pushed`) runs the
    one import action and records the run here. The file's bytes are kept only until then: after
    the run only its SHA-256 remains (as for every import).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        DONE = "done", "done"

    link = models.ForeignKey(LasLink, on_delete=models.CASCADE, related_name="pushes")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    data = models.BinaryField(blank=True, help_text="the file until its run is done; then empty")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    received_at = models.DateTimeField()
    queued_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(
        "roster.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="pushes"
    )
    outcome = models.CharField(max_length=16, blank=True, help_text="the link's outcome, inactive or failed")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="runs that ended in an internal error")

    class Meta:
        indexes = [
            models.Index(fields=["link", "-received_at"]),
            models.Index(fields=["status", "queued_at"]),
        ]

    def __str__(self) -> str:
        return f"push {self.pk} {self.link_id} {self.status}"


class LasAccessTokenQuerySet(models.QuerySet["LasAccessToken"]):
    def usable(self, moment: object) -> LasAccessTokenQuerySet:
        """Not expired at `moment`, not revoked, of an active vendor."""
        return self.filter(expires_at__gt=moment, revoked_at__isnull=True, vendor__active=True)


class LasAccessToken(models.Model):
    """A short-lived bearer token a vendor got from POST /las/v1/token (OAuth 2 client credentials),
    kept only as a keyed hash."""

    vendor = models.ForeignKey(LasVendor, on_delete=models.CASCADE, related_name="access_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=100, blank=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[LasAccessTokenQuerySet] = LasAccessTokenQuerySet.as_manager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"las token {self.pk} of {self.vendor_id}"
