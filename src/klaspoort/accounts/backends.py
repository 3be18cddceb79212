"""Authentication backend: email + password, for one kind of account at a time."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from klaspoort.accounts.models import Account, normalise_email


def login_account(email: str, kind: str) -> Account | None:
    """The account of this kind with this address, with its two-factor device in the same query
    (the login then knows whether to ask for a code)."""
    return (
        Account.objects.filter(email=normalise_email(email), kind=kind).select_related("totp_device").first()
    )


def password_matches(account: Account | None, password: str) -> bool:
    """Whether `password` is this active account's password. For no account, or one not activated
    yet, the same time is spent on a real hash, so timing does not reveal which addresses exist or
    which accounts are not activated yet."""
    if account is None or not account.has_usable_password():
        make_password(password)
        return False
    return account.check_password(password) and account.is_active


class AccountBackend(BaseBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        email: str | None = None,
        password: str | None = None,
        kind: str = Account.Kind.STAFF,
        **kwargs: Any,
    ) -> Account | None:
        if not email or password is None:
            return None
        account = login_account(email, kind)
        return account if password_matches(account, password) else None

    def get_user(self, user_id: Any) -> Account | None:
        account = Account.objects.filter(pk=user_id).first()
        return account if account is not None and account.is_active else None
