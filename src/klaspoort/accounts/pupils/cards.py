"""What the shortcut's pages show, kept briefly in the shared cache ("cards").

Every pupil of a class opens the same group list and the same pupil grid within minutes of each
other, so those pages read one cache entry instead of running their queries. A card lives
CARD_SECONDS at most; our own actions (new credentials, picture, code kind, network settings)
forget the cards they change at once, so only roster imports are seen up to a minute late.
Logging in itself (the POST) never trusts a card: it checks the pupil, the group, the school and
the network against the database.

    SchoolCard  name, network rule and this year's home groups of an active school
    GroupCard   a home group's pupils: (slug, picture, first name, code kind)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.cache import cache

from klaspoort.accounts.pupils.actions import do_ensure_credentials
from klaspoort.accounts.pupils.card_keys import group_key, school_key
from klaspoort.accounts.pupils.network_rule import network_rule
from klaspoort.accounts.pupils.queries import (
    grid_seats,
    members_of,
    seats_in_order,
    shortcut_group,
    shortcut_groups,
    shortcut_school,
)

CARD_SECONDS = 60


@dataclass(frozen=True)
class SchoolCard:
    ref: str
    name: str
    restrict: bool
    networks: tuple[str, ...]
    groups: tuple[tuple[str, str], ...]  # (group uuid, name), in display order


@dataclass(frozen=True)
class Seat:
    slug: str
    picture: str
    first_name: str
    kind: str


@dataclass(frozen=True)
class GroupCard:
    uuid: str
    name: str
    seats: tuple[Seat, ...]

    def seat(self, slug: str) -> Seat | None:
        return next((seat for seat in self.seats if seat.slug == slug), None)


def build_school_card(ref: uuid.UUID) -> SchoolCard | None:
    """None when the reference is unknown, retired or its school inactive."""
    groups = shortcut_groups(ref)
    school = groups[0].school if groups else shortcut_school(ref)
    if school is None or not school.active:
        return None
    restrict, networks = network_rule(school)
    return SchoolCard(
        ref=str(ref),
        name=school.name,
        restrict=restrict,
        networks=networks,
        groups=tuple((str(group.uuid), group.name) for group in groups),
    )


def build_group_card(ref: uuid.UUID, group_uuid: uuid.UUID) -> GroupCard | None:
    """None when it is not a current home group of the school. Gives out missing pictures."""
    group = shortcut_group(ref, group_uuid)
    if group is None:
        return None
    seats = grid_seats(group)
    if not seats_in_order(seats):  # first visit, or someone joined the group
        do_ensure_credentials(group, members_of(group))
        seats = grid_seats(group)
    return GroupCard(
        uuid=str(group.uuid),
        name=group.name,
        seats=tuple(
            Seat(seat.slug or "", seat.picture or "", seat.first_name, seat.kind or "") for seat in seats
        ),
    )


def cards(ref: uuid.UUID, group_uuid: uuid.UUID | None = None) -> tuple[SchoolCard | None, GroupCard | None]:
    """The school's card and, if asked, a group's card: one cache round trip when both are warm."""
    keys = [school_key(ref)] + ([group_key(ref, group_uuid)] if group_uuid else [])
    found = cache.get_many(keys)
    fresh: dict[str, object] = {}
    school = found.get(keys[0])
    if school is None:
        school = build_school_card(ref)
        if school is not None:
            fresh[keys[0]] = school
    group = None
    if group_uuid is not None and school is not None:
        group = found.get(keys[1])
        if group is None:
            group = build_group_card(ref, group_uuid)
            if group is not None:
                fresh[keys[1]] = group
    if fresh:
        cache.set_many(fresh, CARD_SECONDS)
    return school, group
