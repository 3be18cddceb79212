"""Signing a pupil in and out of the session (the HTTP edge of a pupil login)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.urls import reverse

from klaspoort.accounts import header
from klaspoort.accounts.principal import (
    Context,
    Principal,
    end_principal,
    establish_principal,
    start_fresh_session,
)
from klaspoort.accounts.session_address import remember_pupil_client
from klaspoort.roster.models import Pupil

REQUESTED_TARGET_KEY = "kp_pupil_requested_target"


def sign_in_pupil(
    request: HttpRequest,
    pupil: Pupil,
    school_ref: uuid.UUID,
    *,
    context: Context = "school",
    account: uuid.UUID | None = None,
    back: str = "",
) -> None:
    """After a correct code: new session key, then the pupil as principal. At school the session
    starts afresh (a teacher or another pupil who used this device is signed out). The home login
    passes context="home" and the parent's `account` uuid: the parent's sign-in stays, any other
    principal (a sibling) is ended."""
    if context == "school":
        start_fresh_session(request)
    else:
        end_principal(request)
        request.session.cycle_key()
    principal = Principal(
        kind="pupil", person=pupil.uuid, school=school_ref, context=context, account=account
    )
    establish_principal(request, principal)
    if context == "school":
        remember_pupil_client(request, back or reverse("pupils:groups", args=[school_ref]))
    credential = pupil.pupil_credential if Pupil.pupil_credential.is_cached(pupil) else None
    header.remember_pupil(request, principal, pupil, credential.picture if credential else "")


def sign_out(request: HttpRequest) -> Principal | None:
    principal = end_principal(request)
    request.session.flush()
    return principal
