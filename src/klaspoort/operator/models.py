"""What the operator console keeps: school account requests and data-processing agreements.

Signed PDFs are stored outside the web root (`documents.py`); the rows hold their file name and hash.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from klaspoort.core import clock
from klaspoort.federation.models import Partner
from klaspoort.registry.models import Board, SchoolLocation


class AccountRequest(models.Model):
    """A board's request for a school account and its first ICT coordinator (A4), with the signed
    request as a PDF."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        APPROVED = "approved", "approved"
        REFUSED = "refused", "refused"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    board_number = models.CharField(max_length=5)
    board_name = models.CharField(max_length=200)
    school_name = models.CharField(max_length=200)
    school_code = models.CharField(max_length=6)
    director_name = models.CharField(max_length=200)
    director_email = models.EmailField(max_length=254)
    director_phone = models.CharField(max_length=32, blank=True)
    admin_first_name = models.CharField(max_length=200)
    admin_infix = models.CharField(max_length=10, blank=True)
    admin_surname = models.CharField(max_length=200)
    admin_email = models.EmailField(max_length=254)
    document = models.CharField(max_length=64, help_text="file name under the documents directory")
    document_sha256 = models.CharField(max_length=64)
    document_pages = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True, help_text="why it was refused (mailed to the director)")
    decided_by = models.CharField(max_length=128, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    school = models.ForeignKey(
        SchoolLocation, null=True, blank=True, on_delete=models.SET_NULL, related_name="account_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    @property
    def admin_name(self) -> str:
        return " ".join(
            part for part in (self.admin_first_name, self.admin_infix, self.admin_surname) if part
        )

    def __str__(self) -> str:
        return f"{self.school_code} {self.school_name} ({self.status})"


class AgreementQuerySet(models.QuerySet["ProcessingAgreement"]):
    def covering(self, school: SchoolLocation) -> QuerySet[ProcessingAgreement]:
        """Agreements that cover a school: its board's, or one the school signed itself."""
        return self.filter(Q(school=school) | Q(board_id=school.board_id, board__isnull=False))


def with_coverage(
    schools: QuerySet[SchoolLocation], *, uncovered_only: bool = False
) -> QuerySet[SchoolLocation]:
    """Schools annotated with `covered`: a data-processing agreement for the board or the school (A3)."""
    agreements = ProcessingAgreement.objects.filter(
        Q(school=OuterRef("pk")) | Q(board=OuterRef("board"), board__isnull=False)
    )
    annotated = schools.annotate(covered=Exists(agreements))
    return annotated.filter(covered=False) if uncovered_only else annotated


class ProcessingAgreement(models.Model):
    """A signed data-processing agreement (verwerkersovereenkomst, A3/F3): per board, or signed by one
    school naming its board."""

    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    school = models.ForeignKey(
        SchoolLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    signed_by = models.CharField(max_length=200, help_text="the director who signed")
    signed_on = models.DateField()
    version = models.CharField(max_length=32)
    document = models.CharField(max_length=64)
    document_sha256 = models.CharField(max_length=64)
    recorded_by = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(board__isnull=False) | Q(school__isnull=False), name="agreement_has_a_party"
            )
        ]

    def __str__(self) -> str:
        return f"agreement {self.version} signed {self.signed_on} by {self.signed_by}"


class NoticeQuerySet(models.QuerySet["Notice"]):
    def in_force(self, at: dt.datetime | None = None) -> NoticeQuerySet:
        """Notices shown right now (or at `at`): started, not yet ended."""
        moment = at or clock.now()
        return self.filter(starts_at__lte=moment, ends_at__gt=moment)


class Notice(models.Model):
    """An announcement (F1): an outage, maintenance or news, for a time window and an audience."""

    class Severity(models.TextChoices):
        INFO = "info", _("Nieuws")
        MAINTENANCE = "maintenance", _("Onderhoud")
        OUTAGE = "outage", _("Storing")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Iedereen")
        STAFF = "staff", _("Medewerkers")
        PUPILS = "pupils", _("Leerlingen")
        PARENTS = "parents", _("Ouders")

    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    body_nl = models.TextField(max_length=2000)
    body_en = models.TextField(max_length=2000)
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.INFO)
    audience = models.CharField(max_length=16, choices=Audience.choices, default=Audience.EVERYONE)
    partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notices",
        help_text="only for the users of schools that selected this partner",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["ends_at", "starts_at"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="notice_window")]

    def title(self, language: str) -> str:
        return self.title_en if language.startswith("en") and self.title_en else self.title_nl

    def body(self, language: str) -> str:
        return self.body_en if language.startswith("en") and self.body_en else self.body_nl

    def __str__(self) -> str:
        return f"{self.severity} {self.title_nl}"


class ReorganisationQuerySet(models.QuerySet["Reorganisation"]):
    def due(self, on: dt.date | None = None) -> ReorganisationQuerySet:
        """Planned mergers and splits whose effective day has come."""
        return self.filter(status=Reorganisation.Status.PLANNED, effective_on__lte=on or clock.today())


class Reorganisation(models.Model):
    """A merger of several locations into one, or a split of one into several (A8).

    `spec` is what the operator confirmed: {"sources": [instelling_ref, ...], "parts": [{"code",
    "name", "groups": [group uuid, ...]}]} (a merger has one part and no group list). It is carried
    out on `effective_on` (at once when that day has come); `result` then holds the new locations'
    references and what moved. A planned one is checked again when it runs, and can be cancelled
    by an operator until then (`do_cancel_reorganisation`; `done_at` is then the moment it was
    cancelled).
    """

    class Kind(models.TextChoices):
        MERGER = "merger", _("samenvoeging")
        SPLIT = "split", _("splitsing")

    class Status(models.TextChoices):
        PLANNED = "planned", _("gepland")
        DONE = "done", _("uitgevoerd")
        REFUSED = "refused", _("geweigerd")
        CANCELLED = "cancelled", _("geannuleerd")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    effective_on = models.DateField()
    spec = models.JSONField()
    result = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True, help_text="why it was refused when it ran")
    created_by = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = ReorganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-id"]
        indexes = [models.Index(fields=["status", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.effective_on} ({self.status})"
