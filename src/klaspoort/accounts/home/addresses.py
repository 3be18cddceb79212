"""The teacher's home-address input, checked and compared with what is stored (pure functions).

    parse_addresses(values) -> tuple[str, ...]           normalised, non-empty, at most two, no repeats
    plan_addresses(current, wanted) -> AddressPlan         what to keep, add and remove, by position

An address that stays keeps its position (and its parent account); a new address takes the
position the teacher typed it in when that is free, otherwise the other one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from klaspoort.accounts.home.models import MAX_ADDRESSES
from klaspoort.accounts.models import normalise_email

MAX_EMAIL_LENGTH = 254


class AddressError(ValueError):
    """The teacher's input is refused; str(error) says why (shown as is)."""


def parse_addresses(values: Sequence[str]) -> tuple[str, ...]:
    """The filled-in addresses, lower-case, in the order typed. Empty fields are skipped."""
    filled = [normalise_email(value) for value in values if value and value.strip()]
    if len(filled) > MAX_ADDRESSES:
        raise AddressError(_("Vul hoogstens twee e-mailadressen in."))
    for address in filled:
        if len(address) > MAX_EMAIL_LENGTH:
            raise AddressError(_("Een e-mailadres mag hoogstens 254 tekens lang zijn."))
        try:
            validate_email(address)
        except ValidationError as exc:
            raise AddressError(_("'%(address)s' is geen geldig e-mailadres.") % {"address": address}) from exc
    if len(set(filled)) != len(filled):
        raise AddressError(_("Je hebt hetzelfde e-mailadres twee keer ingevuld."))
    return tuple(filled)


@dataclass(frozen=True)
class AddressPlan:
    """Position -> address for each of the three kinds of change."""

    keep: dict[int, str] = field(default_factory=dict)
    add: dict[int, str] = field(default_factory=dict)
    remove: dict[int, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.add or self.remove)


def plan_addresses(current: Mapping[int, str], wanted: Sequence[str]) -> AddressPlan:
    """Compare stored addresses (position -> address) with the wanted ones (parsed, in order)."""
    keep = {position: address for position, address in current.items() if address in wanted}
    remove = {position: address for position, address in current.items() if address not in wanted}
    new = [(index + 1, address) for index, address in enumerate(wanted) if address not in keep.values()]
    free = [position for position in range(1, MAX_ADDRESSES + 1) if position not in keep]
    add: dict[int, str] = {}
    for typed_at, address in new:
        position = typed_at if typed_at in free else free[0]
        free.remove(position)
        add[position] = address
    return AddressPlan(keep=keep, add=add, remove=remove)
