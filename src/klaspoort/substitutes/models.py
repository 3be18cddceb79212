"""One use of a group's substitute slot (C14), kept as history once it has ended."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Self

from django.db import models

from klaspoort.core import clock
from klaspoort.roster.models import Group, StaffPlacement


class SubstitutionQuerySet(models.QuerySet["Substitution"]):
    """live(on)       not ended and its last day not past: it holds the group's slot (working today
                      or planned)
    finished(on)      not ended by hand, last day past: the job marks it ended
    to_cut_off()      ended, but sessions and grants not ended yet (the job does it)

    Whether the substitute may see the group is not decided here but by the roster rules, from the
    days on the placement and membership (`roster.rules.within_days_q`)."""

    def live(self, on: dt.date | None = None) -> Self:
        return self.filter(ended_at__isnull=True, last_day__gte=on or clock.today())

    def finished(self, on: dt.date | None = None) -> Self:
        return self.filter(ended_at__isnull=True, last_day__lt=on or clock.today())

    def to_cut_off(self) -> Self:
        return self.filter(ended_at__isnull=False, cut_off_at__isnull=True)


class Substitution(models.Model):
    """A substitute teacher in a group from `first_day` to `last_day` (school days, both included).

    `placement` is the substitute's placement at the group's school (roles: only "substitute"); its
    membership of the group carries the same days. A person substituting in two groups (or at two
    schools) is one staff member with one account. Ended by hand (`by_hand`, early) or after its last
    day (`expired`, by the job); `cut_off_at` is when the substitute's sessions and SSO grants at the
    school were ended.
    """

    class Ending(models.TextChoices):
        BY_HAND = "by_hand", "ended by hand"
        EXPIRED = "expired", "after the last day"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="substitutions")
    placement = models.ForeignKey(StaffPlacement, on_delete=models.CASCADE, related_name="substitutions")
    name = models.CharField(max_length=400, help_text="the substitute's name as given at activation")
    email = models.EmailField(max_length=254, help_text="the address the activation went to")
    first_day = models.DateField()
    last_day = models.DateField()
    school_days = models.PositiveSmallIntegerField()
    activated_at = models.DateTimeField()
    activated_by = models.CharField(max_length=128, help_text="actor, e.g. staff:<uuid>")
    activated_by_name = models.CharField(max_length=400, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=128, blank=True)
    ended_by_name = models.CharField(max_length=400, blank=True)
    ending = models.CharField(max_length=16, choices=Ending.choices, blank=True)
    cut_off_at = models.DateTimeField(null=True, blank=True)

    objects = SubstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["-first_day", "-id"]
        indexes = [
            models.Index(fields=["group", "ended_at"]),
            models.Index(fields=["ended_at", "last_day"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} in {self.group_id} {self.first_day}..{self.last_day}"
