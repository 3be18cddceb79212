"""Refuse to start half-configured: the WSGI application (and the job worker) call this first.

It runs the system checks tagged "klaspoort" (core.checks and those of the other apps, deployment
checks included). On any error it writes one line per problem to stderr, the check id first, and
ends the process with status 1: no stack trace, nothing written under var/, no database touched.
"""

from __future__ import annotations

import sys
from typing import TextIO

from django.core import checks


def configuration_errors() -> list[checks.CheckMessage]:
    found = checks.run_checks(tags=["klaspoort"], include_deployment_checks=True, databases=None)
    return sorted(
        (message for message in found if message.is_serious()), key=lambda message: message.id or ""
    )


def refuse_half_configured(program: str = "klaspoort", stream: TextIO | None = None) -> None:
    errors = configuration_errors()
    if not errors:
        return
    out = stream or sys.stderr
    lines = [f"{program} will not start: {len(errors)} setting(s) need attention (docs/operations.md)."]
    lines += [f"  {error.id}: {error.msg}" + (f" {error.hint}" if error.hint else "") for error in errors]
    out.write("\n".join(lines) + "\n")
    out.flush()
    raise SystemExit(1)
