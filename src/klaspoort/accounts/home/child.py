"""The child step of the home login (C6, C9, C12): the child confirms with its own school code.

    child_code_attempt(request, parent, child, submitted) -> AttemptResult    throttled per (pupil, device)
    begin_child_session(request, parent, child) -> str                         rotate, principal; where to go

The code check and its throttle are the pupil login's own (`accounts.pupils.actions`): the same code
as at school, the same growing waits per pupil and device, and the teacher sees the same failed
attempts. Only a signed-in parent account gets here (`views/guard.py`), so staff can never act as a
pupil. The session is marked as home context, with the parent account in the principal.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from klaspoort.accounts.client_address import client_ip
from klaspoort.accounts.home.login import HomeChild
from klaspoort.accounts.login import account_subject
from klaspoort.accounts.models import Account
from klaspoort.accounts.pupils.actions import AttemptResult, do_pupil_code_attempt
from klaspoort.accounts.pupils.device import device_key
from klaspoort.accounts.pupils.login import sign_in_pupil
from klaspoort.accounts.pupils.models import PupilCredential

MAX_SUBMISSION = 64


def child_code_attempt(
    request: HttpRequest, parent: Account, child: HomeChild, credential: PupilCredential, submitted: str
) -> AttemptResult:
    return do_pupil_code_attempt(
        credential,
        submitted[:MAX_SUBMISSION],
        device=device_key(request),
        client_ip=client_ip(request),
        school_ref=child.school.instelling_ref,
        context="home",
        actor=account_subject(parent),
    )


def landing_url() -> str:
    """Where a child signed in at home starts: the portal with their tiles."""
    return reverse("portal:tiles")


def begin_child_session(request: HttpRequest, parent: Account, child: HomeChild) -> str:
    """The child acts from now on: a new session key, the home principal with the parent's account
    (the pupil login's `sign_in_pupil`); returns where to go. A sibling that acted in this session
    before is signed out first (its listeners are told)."""
    sign_in_pupil(request, child.pupil, child.school.instelling_ref, context="home", account=parent.uuid)
    return landing_url()
