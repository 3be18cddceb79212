# ruff: noqa: E402  (Django must be set up before the project modules are imported)
"""Does the prepared INSERT (`core.inserts.InsertStatement`) still matter? `make bench-insert`.

For each model written on a login or sign-in, one-row inserts three ways, alternating in rounds on
a throw-away test database (SQLite, or PostgreSQL with DATABASE_URL): the prepared INSERT (only
for models it accepts), `Model.objects.bulk_create([row])` and `row.save(force_insert=True)`.
Prints µs of this process's CPU per row (median of the rounds) and the ratio to the prepared
INSERT. Prints figures, never asserts.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klaspoort.settings")
os.environ.setdefault("KLASPOORT_DEV", "1")

import django

django.setup()

from django.db import connection, transaction
from django.db.models import Model
from django.test.utils import setup_test_environment
from django.utils import timezone

from klaspoort.accounts.models import AccountSession
from klaspoort.audit.models import AuditEvent
from klaspoort.core.inserts import InsertStatement, UnsafeInsert
from klaspoort.federation.models import Disclosure
from klaspoort.federation.oidc.models import OidcGrant

ROWS = int(os.environ.get("BENCH_ROWS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
_serial = iter(range(10**9))


def _audit() -> AuditEvent:
    return AuditEvent(action="login.succeeded", actor="account:x", subject="account:x", data={"a": 1})


def _session() -> AccountSession:
    return AccountSession(
        session_key=f"k{next(_serial):031d}",
        session_data="x" * 200,
        expire_date=timezone.now(),
        account_id=None,
    )


def _grant() -> OidcGrant:
    moment = timezone.now()
    return OidcGrant(
        handle=f"h{next(_serial)}",
        app_id=1,
        person=uuid.uuid4(),
        school_ref=uuid.uuid4(),
        principal={"kind": "pupil"},
        op_session="op",
        sid="sid",
        released={"sub": "s", "groups": []},
        scope="openid",
        redirect_uri="https://rp.example/cb",
        created_at=moment,
        code_hash="c" * 64,
        code_expires_at=moment + dt.timedelta(minutes=1),
    )


def _disclosure() -> Disclosure:
    return Disclosure(
        created_at=timezone.now(),
        partner_id=1,
        app_id=1,
        person=uuid.uuid4(),
        person_kind="pupil",
        school_ref=uuid.uuid4(),
        fields=["sub"],
        purpose="oidc",
    )


def _cpu_us_per_row(make: Callable[[], Model], write: Callable[[Model], object]) -> float:
    rows = [make() for _ in range(ROWS)]
    start = time.process_time()
    for row in rows:
        write(row)
    return (time.process_time() - start) * 1e6 / ROWS


def main() -> None:
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"One-row INSERTs on {connection.vendor}, µs of CPU per row (median of {ROUNDS} rounds of {ROWS})")
    print(f"  load: {uptime}")
    print(f"  {'model':<16}{'prepared':>10}{'bulk_create':>13}{'save()':>9}   ratio bulk/prepared")
    try:
        with connection.constraint_checks_disabled():
            for model, make in (
                (AuditEvent, _audit),
                (AccountSession, _session),
                (OidcGrant, _grant),
                (Disclosure, _disclosure),
            ):
                try:
                    prepared: InsertStatement[Model] | None = InsertStatement(model)
                except UnsafeInsert:
                    prepared = None
                samples: dict[str, list[float]] = {"prepared": [], "bulk": [], "save": []}
                for _ in range(ROUNDS):
                    with transaction.atomic():
                        if prepared is not None:
                            samples["prepared"].append(_cpu_us_per_row(make, prepared.insert))
                        samples["bulk"].append(
                            _cpu_us_per_row(make, lambda row: type(row).objects.bulk_create([row]))
                        )
                        samples["save"].append(_cpu_us_per_row(make, lambda row: row.save(force_insert=True)))
                        transaction.set_rollback(True)
                median = {
                    key: statistics.median(values) if values else None for key, values in samples.items()
                }
                first = f"{median['prepared']:10.0f}" if median["prepared"] else f"{'refused':>10}"
                ratio = f"{median['bulk'] / median['prepared']:.2f}" if median["prepared"] else "-"
                print(f"  {model.__name__:<16}{first}{median['bulk']:13.0f}{median['save']:9.0f}   {ratio}")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
