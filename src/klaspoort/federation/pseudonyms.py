"""Pairwise pseudonyms: what a partner sees instead of our internal identifiers (pure functions).

A partner's `sub` is HMAC-SHA256(secret, "person" | sector id | person uuid). It depends only on
the partner's sector id and the person's stable UUID, so it survives re-imports, group moves and
school-year transitions, and it differs for every sector. Group ids are derived the same way from
the group's UUID. The secret comes from `settings.PSEUDONYM_SECRET` (env KLASPOORT_PSEUDONYM_SECRET).
"""

from __future__ import annotations

import hmac
import uuid


def _pairwise(kind: str, sector_id: str, value: uuid.UUID, secret: str) -> str:
    if not sector_id:
        raise ValueError("a pairwise identifier needs a sector id")
    if not secret:
        raise ValueError("a pairwise identifier needs a secret")
    message = "\x1f".join((kind, sector_id, str(value))).encode()
    # One-shot HMAC (no HMAC object per call): three per sign-in (the subject and each group).
    return hmac.digest(secret.encode(), message, "sha256").hex()


def pairwise_subject(sector_id: str, person_uuid: uuid.UUID, secret: str) -> str:
    """The pseudonym of a person for one sector: 64 lowercase hex characters."""
    return _pairwise("person", sector_id, person_uuid, secret)


def pairwise_group_id(sector_id: str, group_uuid: uuid.UUID, secret: str) -> str:
    """The identifier of a group for one sector: 64 lowercase hex characters."""
    return _pairwise("group", sector_id, group_uuid, secret)
