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
