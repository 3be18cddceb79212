"""Boards and school locations (bestuur / bevoegd gezag, vestiging)."""

from __future__ import annotations

import uuid

from django.db import models


class Board(models.Model):
    """A board (bevoegd gezag): the legal body that runs schools. 5-digit number."""

    number = models.CharField(max_length=5, unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class SchoolLocation(models.Model):
    """One school location (vestiging), BRIN + location code, e.g. 12AB00.

    `instelling_ref` (INSTELLING_REF) is random, unique and never reused: it is carried by every
    shortcut link of the school.
    """

    class Kind(models.TextChoices):
        REGISTER = "register", "register"
        MANUAL = "manual", "manual"

    brin = models.CharField(max_length=4)
    location_code = models.CharField(max_length=2, default="00")
    name = models.CharField(max_length=200, help_text="official name")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REGISTER)
    active = models.BooleanField(default=True)
    instelling_ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    instellingsnummer = models.CharField(
        max_length=16, null=True, blank=True, unique=True, help_text="Flemish institution number, if any"
    )
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.PROTECT, related_name="schools")
    created_at = models.DateTimeField(auto_now_add=True)
    register_gone_at = models.DateTimeField(
        null=True, blank=True, help_text="when the official register stopped listing this location"
    )
    closed_at = models.DateTimeField(null=True, blank=True, help_text="when an operator closed the account")
    moved_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moved_from",
        help_text="after a merger or split: where the school's pupils went",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brin", "location_code"], name="unique_school_code")]

    @property
    def code(self) -> str:
        return f"{self.brin}{self.location_code}"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RetiredInstellingRef(models.Model):
    """References that once belonged to a location: they are never handed out again."""

    instelling_ref = models.UUIDField(unique=True)
    retired_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200, blank=True)


class SchoolSuccession(models.Model):
    """After a merger or split (A8): a location that took over (some of) another's pupils. The old
    shortcut lists its successors; a merger has one, a split several."""

    class Kind(models.TextChoices):
        MERGER = "merger", "merger"
        SPLIT = "split", "split"

    predecessor = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    effective_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_school_succession")
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} -> {self.successor_id} ({self.kind})"


class RegisterLocation(models.Model):
    """A location as the official register (DUO open data) lists it: what account requests are
    checked against. Rows are never deleted: a location the register no longer lists is flagged."""

    brin = models.CharField(max_length=4)
    location_code = models.CharField(max_length=2)
    name = models.CharField(max_length=200)
    board_number = models.CharField(max_length=5)
    postcode = models.CharField(max_length=8, blank=True)
    town = models.CharField(max_length=100, blank=True)
    in_register = models.BooleanField(default=True)
    first_seen_at = models.DateTimeField()
    gone_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brin", "location_code"], name="unique_register_code")]

    @property
    def code(self) -> str:
        return f"{self.brin}{self.location_code}"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RegisterImport(models.Model):
    """One import of the register file: who, when, which file, what it changed or why not."""

    class Status(models.TextChoices):
        APPLIED = "applied", "applied"
        REFUSED = "refused", "refused"

    started_at = models.DateTimeField()
    actor = models.CharField(max_length=128, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_sha256 = models.CharField(max_length=64)
    encoding = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True, help_text="[{line, message}]")
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"register {self.started_at:%Y-%m-%d %H:%M} {self.status}"


class CodeChange(models.Model):
    """A new BRIN or location code the register implies for a school account (A6): the school
    keeps its account and INSTELLING_REF once an operator confirms it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "proposed"
        CONFIRMED = "confirmed", "confirmed"
        REJECTED = "rejected", "rejected"

    school = models.ForeignKey(SchoolLocation, on_delete=models.CASCADE, related_name="code_changes")
    old_code = models.CharField(max_length=6)
    new_code = models.CharField(max_length=6)
    register_import = models.ForeignKey(
        RegisterImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="code_changes"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.old_code} -> {self.new_code} ({self.status})"
