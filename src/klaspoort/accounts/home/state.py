"""Home-login state per pupil as the teacher sees it (C7), computed for a whole group at once.

No/No    no home address set
Yes/No   an address is set, but nobody has made a password yet
Yes/Yes  at least one home account is activated

home_login_states(pupil_ids) -> {pupil_id: HomeLogin}     one query for any number of pupils
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from klaspoort.accounts.home.models import HomeAddress


class HomeLoginState(enum.Enum):
    NONE = ("no-no", _("Nee/Nee"), _("geen thuisadres"))
    ADDRESS = ("yes-no", _("Ja/Nee"), _("thuisadres ingevuld, nog geen wachtwoord gemaakt"))
    ACTIVE = ("yes-yes", _("Ja/Ja"), _("thuis inloggen is geactiveerd"))

    def __init__(self, slug: str, label: Promise, explanation: Promise) -> None:
        self.slug = slug
        self.label = label
        self.explanation = explanation


@dataclass(frozen=True)
class AddressView:
    """One stored address as the teacher sees it."""

    ref: uuid.UUID
    position: int
    email: str
    activated: bool


@dataclass(frozen=True)
class HomeLogin:
    addresses: tuple[AddressView, ...] = ()

    @property
    def state(self) -> HomeLoginState:
        return state_of(self.addresses)

    def at(self, position: int) -> AddressView | None:
        return next((address for address in self.addresses if address.position == position), None)


NO_ADDRESSES = HomeLogin()


def state_of(addresses: Iterable[AddressView]) -> HomeLoginState:
    listed = list(addresses)
    if not listed:
        return HomeLoginState.NONE
    if any(address.activated for address in listed):
        return HomeLoginState.ACTIVE
    return HomeLoginState.ADDRESS


def home_login_states(pupil_ids: Iterable[int]) -> dict[int, HomeLogin]:
    """Addresses and state of each pupil (absent pupils have none: NO_ADDRESSES). One query."""
    ids = list(pupil_ids)
    if not ids:
        return {}
    rows = (
        HomeAddress.objects.filter(pupil_id__in=ids)
        .order_by("pupil_id", "position")
        .values_list("pupil_id", "uuid", "position", "email", "account__is_active")
    )
    found: dict[int, list[AddressView]] = {}
    for pupil_id, ref, position, email, active in rows:
        found.setdefault(pupil_id, []).append(AddressView(ref, position, email, bool(active)))
    return {pupil_id: HomeLogin(tuple(found.get(pupil_id, ()))) for pupil_id in ids}
