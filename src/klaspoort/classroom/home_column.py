"""The "Thuis inloggen" column of the teacher's group overview (accounts.home, in a classroom.columns slot):
state No/No, Yes/No or Yes/Yes per pupil (C7) with the actions to edit addresses and resend links.
One query for the whole group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from klaspoort.accounts.home.state import HomeLogin, home_login_states
from klaspoort.classroom.columns import OverviewColumn, register_column
from klaspoort.roster.models import Group, Pupil

if TYPE_CHECKING:
    from klaspoort.classroom.access import StaffAccess

KEY = "home_accounts.state"


def load(group: Group, pupils: Sequence[Pupil], access: StaffAccess) -> Mapping[int, HomeLogin]:
    return home_login_states(pupil.pk for pupil in pupils)


def register() -> None:
    register_column(
        OverviewColumn(
            key=KEY, header=_("Thuis inloggen"), template="classroom/home_cell.html", load=load, order=50
        )
    )
