"""Two teachers at two schools enter the same parent address at the same moment: one account."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from klaspoort.accounts.home.actions import do_set_home_addresses
from klaspoort.accounts.home.models import HomeAddress
from klaspoort.accounts.models import Account, OneTimeToken
from klaspoort.core.actors import SystemActor
from tests.accounts.home.conftest import make_family

pytestmark = pytest.mark.django_db(transaction=True)


def test_same_address_at_once_for_two_children_is_one_parent_account(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    family = make_family()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def save(pupil: Any) -> None:
        try:
            start.wait(timeout=10)
            do_set_home_addresses(pupil, ["samen@thuis.example"], actor=SystemActor("t"))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(pupil,)) for pupil in (family.sanne, family.daan)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    account = Account.objects.get(kind="parent")
    assert account.email == "samen@thuis.example"
    assert sorted(HomeAddress.objects.values_list("pupil__first_name", "account_id")) == [
        ("Daan", account.pk),
        ("Sanne", account.pk),
    ]
    assert OneTimeToken.objects.filter(account=account).count() == 1  # the later link replaced the other
