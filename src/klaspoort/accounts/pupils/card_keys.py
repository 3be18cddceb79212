"""Cache keys of the shortcut's cards (cards.py), and forgetting them after a change."""

from __future__ import annotations

import uuid

from django.core.cache import cache

from klaspoort.roster.models import Group, PupilMembership


def school_key(ref: uuid.UUID | str) -> str:
    return f"pupil-shortcut:school:{ref}"


def group_key(ref: uuid.UUID | str, group: uuid.UUID | str) -> str:
    return f"pupil-shortcut:group:{ref}:{group}"


def forget_school(ref: uuid.UUID | str) -> None:
    cache.delete(school_key(ref))


def forget_groups_of(pupil_id: int, ref: uuid.UUID | str) -> None:
    """After a change to one pupil's credential: forget the cards of the pupil's groups."""
    groups = PupilMembership.objects.filter(pupil_id=pupil_id, group__kind=Group.Kind.HOME).values_list(
        "group__uuid", flat=True
    )
    cache.delete_many([group_key(ref, group) for group in groups])


def forget_group(ref: uuid.UUID | str, group_uuid: uuid.UUID | str) -> None:
    cache.delete(group_key(ref, group_uuid))
