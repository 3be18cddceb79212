"""Home addresses (thuisadressen): the link between a pupil and the parent account that may log in
for that pupil at home.

A pupil has at most two home addresses (positions 1 and 2), set by the teacher. Each address
belongs to a parent `Account` (kind "parent", one per email address), so the same address given
for several children, also at several schools, is one parent account holding all of them.
"""

from __future__ import annotations

import uuid

from django.db import models

from klaspoort.accounts.models import Account
from klaspoort.roster.models import Pupil

MAX_ADDRESSES = 2


class HomeAddress(models.Model):
    """One home email address of a pupil (C6) and the parent account behind it.

    uuid      random reference used in the parent's links (never the pupil's uuid or a key)
    position  1 or 2: the teacher's first or second address field
    email     stored lower-case, as typed by the teacher otherwise
    account   the parent account of this address; None only if that account was removed by hand
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="home_addresses")
    position = models.PositiveSmallIntegerField()
    email = models.EmailField(max_length=254)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="home_addresses"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "position"], name="unique_home_address_position"),
            models.UniqueConstraint(fields=["pupil", "email"], name="unique_home_address_email"),
            models.CheckConstraint(
                condition=models.Q(position__in=range(1, MAX_ADDRESSES + 1)), name="home_address_position_1_2"
            ),
        ]

    def __str__(self) -> str:
        return f"home address {self.position} of pupil {self.pupil_id}"
