"""One-time link tokens for mails (activation, password reset, parent invitations, …).

A token is a random 36-character GUID (uuid4, C3). Only a keyed hash (HMAC-SHA256 with the
SECRET_KEY) is stored, so a copy of the database does not give working links. A token is tied to
the account's email address at the time it was sent, is single use, expires (14 days by default)
and is replaced when a new one is issued for the same account and purpose.

    issue_token(account, purpose, *, lifetime=...) -> str          the raw token for the link
    issue_tokens(accounts, purpose, *, lifetime=...) -> dict[int, str]   batched: account pk -> token
    peek_token(raw, purpose) -> Account | None                    valid? (does not use it up)
    consume_token(raw, purpose) -> Account | None                 use it up (race-safe, single use)
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable

from django.utils.crypto import salted_hmac

from klaspoort.accounts.models import Account, OneTimeToken
from klaspoort.core import clock

ACTIVATION = "activation"
PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose name)
DEFAULT_LIFETIME = dt.timedelta(days=14)

_TOKEN_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_HMAC_SALT = "klaspoort.accounts.tokens"


def token_hash(raw: str) -> str:
    return salted_hmac(_HMAC_SALT, raw, algorithm="sha256").hexdigest()


def is_token_shaped(raw: str) -> bool:
    return bool(_TOKEN_RE.match(raw))


def issue_token(account: Account, purpose: str, *, lifetime: dt.timedelta = DEFAULT_LIFETIME) -> str:
    return issue_tokens([account], purpose, lifetime=lifetime)[account.pk]


def issue_tokens(
    accounts: Iterable[Account], purpose: str, *, lifetime: dt.timedelta = DEFAULT_LIFETIME
) -> dict[int, str]:
    """New tokens for many accounts in one query; earlier tokens of the same purpose stop working.

    One upsert (INSERT ... ON CONFLICT (account, purpose) DO UPDATE): two requests issuing a token
    for the same account at once both succeed, and the token written last is the live one.
    """
    by_pk = {account.pk: account for account in accounts}
    if not by_pk:
        return {}
    now = clock.now()
    raw_by_account = {pk: str(uuid.uuid4()) for pk in by_pk}
    OneTimeToken.objects.bulk_create(
        [
            OneTimeToken(
                account_id=pk,
                purpose=purpose,
                token_hash=token_hash(raw_by_account[pk]),
                email=account.email,
                created_at=now,
                expires_at=now + lifetime,
            )
            for pk, account in by_pk.items()
        ],
        update_conflicts=True,
        unique_fields=["account", "purpose"],
        update_fields=["token_hash", "email", "created_at", "expires_at"],
    )
    return raw_by_account


def _live_token(raw: str, purpose: str) -> OneTimeToken | None:
    if not is_token_shaped(raw):
        return None
    token = (
        OneTimeToken.objects.filter(token_hash=token_hash(raw), purpose=purpose, expires_at__gt=clock.now())
        .select_related("account")
        .first()
    )
    if token is None or token.email != token.account.email:
        return None
    return token


def peek_token(raw: str, purpose: str) -> Account | None:
    """The account a valid token belongs to, without using the token up."""
    token = _live_token(raw, purpose)
    return token.account if token is not None else None


def consume_token(raw: str, purpose: str) -> Account | None:
    """Use a token up. Of two concurrent uses only one gets the account."""
    token = _live_token(raw, purpose)
    if token is None:
        return None
    deleted, _ = OneTimeToken.objects.filter(pk=token.pk).delete()
    return token.account if deleted else None


def revoke_tokens(account: Account, purpose: str | None = None) -> None:
    tokens = OneTimeToken.objects.filter(account=account)
    if purpose is not None:
        tokens = tokens.filter(purpose=purpose)
    tokens.delete()
