"""Django's own Argon2 hasher with klaspoort's parameters (accounts.hashers): the same hash cost."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class KlaspoortArgon2(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456
    parallelism = 1
