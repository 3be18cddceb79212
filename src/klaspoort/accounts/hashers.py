"""Password hashing: Argon2id with explicit parameters (first in settings.PASSWORD_HASHERS).

19 MiB memory, 2 passes, 1 lane: the OWASP recommendation for Argon2id, costing about 20 ms per
verification on one core of the project's machines (`make bench-login` prints the measured rate).
Django's own Argon2 defaults (100 MiB, 8 lanes) would cost several times that per login.

Hashes made with other parameters, or with another hasher (PBKDF2 from older imports), are
re-hashed with these parameters at the next successful login: Django's `check_password` asks
`must_update`, which compares the stored parameters with these.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher

MEMORY_KIB = 19 * 1024
PASSES = 2
LANES = 1


class Argon2idHasher(Argon2PasswordHasher):
    """Same algorithm name as Django's ("argon2"), so every stored Argon2 hash is read by this one."""

    time_cost = PASSES
    memory_cost = MEMORY_KIB
    parallelism = LANES
