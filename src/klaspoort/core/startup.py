"""Refuse to start half-configured: the WSGI application (and the job worker) call this first.
Then the WSGI application settles its heap (`settle_heap`).

`refuse_half_configured` runs the system checks tagged "klaspoort" (core.checks and those of the
other apps, deployment checks included). On any error it writes one line per problem to stderr, the
check id first, and ends the process with status 1: no stack trace, nothing written under var/, no
database touched.
"""

from __future__ import annotations

import gc
import sys
from typing import TextIO

from django.core import checks
from django.urls import get_resolver


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


def settle_heap() -> None:
    """Load the URL configuration (and with it every view module) now instead of on the first
    request, then take everything loaded so far out of the cyclic garbage collector's rounds
    (`gc.freeze`): modules, URL patterns, settings and the like live as long as the process, and
    every full collection walked them all again (about 3 % of the server CPU of an OpenID Connect
    sign-in, `make bench-sso`). What requests make later is collected as before."""
    get_resolver().url_patterns  # noqa: B018  (imports the URLconf)
    gc.collect()
    gc.freeze()
