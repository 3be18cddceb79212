"""Signing a pupil in and out of the session (the HTTP edge of a pupil login)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest

from klaspoort.accounts.principal import Context, Principal, end_principal, establish_principal
from klaspoort.roster.models import Pupil

REQUESTED_TARGET_KEY = "kp_pupil_requested_target"


def rotate_session(request: HttpRequest) -> None:
    """New session key at login (no fixation). A browser without a session gets a fresh key anyway
    when the session is first saved, so only an existing session needs cycling."""
    if request.session.session_key:
        request.session.cycle_key()


def sign_in_pupil(
    request: HttpRequest, pupil: Pupil, school_ref: uuid.UUID, context: Context = "school"
) -> None:
    rotate_session(request)
    principal = Principal(kind="pupil", person=pupil.uuid, school=school_ref, context=context)
    establish_principal(request, principal)


def sign_out(request: HttpRequest) -> Principal | None:
    principal = end_principal(request)
    request.session.flush()
    return principal
