"""Argon2id with explicit parameters; older hashes are upgraded at the next successful login."""

from __future__ import annotations

from typing import Any

import argon2
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher, get_hasher, make_password
from django.test import Client

from klaspoort import settings as project_settings
from klaspoort.accounts.hashers import Argon2idHasher
from klaspoort.accounts.models import Account
from klaspoort.roster.models import StaffPlacement
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_hashers(settings: Any, teacher: StaffPlacement) -> None:
    """The project's hashers (the staff fixtures switch to a fast one)."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_default_hasher_is_argon2id_19_mib_2_passes_1_lane() -> None:
    hasher = get_hasher("default")
    assert isinstance(hasher, Argon2idHasher)
    encoded = make_password("lange zin met 7 woorden")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    parameters = argon2.extract_parameters(encoded.removeprefix("argon2"))
    assert (parameters.type, parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
        argon2.Type.ID,
        19456,
        2,
        1,
    )
    assert hasher.verify("lange zin met 7 woorden", encoded)
    assert not hasher.verify("lange zin met 8 woorden", encoded)
    assert not hasher.must_update(encoded)


def _login(client: Client, password: str) -> int:
    client.get("/login/")
    return client.post("/login/", {"email": "anna.jansen@school.example", "password": password}).status_code


@pytest.mark.parametrize(
    "old_hasher",
    [PBKDF2PasswordHasher(), Argon2PasswordHasher()],  # Django's Argon2: 100 MiB, 8 lanes
    ids=["pbkdf2", "argon2-other-parameters"],
)
@pytest.mark.usefixtures("project_hashers")
def test_older_hash_is_upgraded_on_successful_login(
    client: Client, old_hasher: PBKDF2PasswordHasher | Argon2PasswordHasher
) -> None:
    account = Account.objects.get(email="anna.jansen@school.example")
    old = old_hasher.encode(PASSWORD, old_hasher.salt())
    Account.objects.filter(pk=account.pk).update(password=old)

    assert _login(client, "verkeerd-wachtwoord-1") == 200
    assert Account.objects.get(pk=account.pk).password == old  # a failed login changes nothing

    assert _login(client, PASSWORD) == 302
    upgraded = Account.objects.get(pk=account.pk).password
    assert upgraded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert Argon2idHasher().verify(PASSWORD, upgraded)
