"""Two-factor actions: enrol and confirm a TOTP device, check a code, recovery codes, turn off, and
the school setting that requires two factors for coordinators. Every change is an audit event."""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast

import pyotp
import segno
from django.db import transaction
from django.utils.translation import gettext

from klaspoort.accounts.login import active_placements
from klaspoort.accounts.models import Account
from klaspoort.accounts.permissions import Actor, is_coordinator, require_coordinator_of
from klaspoort.audit.events import record_event
from klaspoort.core.clock import now
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from klaspoort.twofactor import crypto
from klaspoort.twofactor.models import RecoveryCode, SchoolTwoFactorPolicy, TotpDevice

ISSUER = "klaspoort"
STEP_SECONDS = 30
Factor = Literal["totp", "recovery"]


class AlreadyEnrolled(Exception):
    """The account has a confirmed device; turn it off before enrolling another."""


@dataclass(frozen=True)
class Enrolment:
    """What the enrolment page shows: the secret (to type in), its otpauth URI, and that URI as an
    inline SVG QR code (made here by segno: no request to any other site)."""

    secret: str
    uri: str
    qr_svg: str


def _subject(account: Account) -> str:
    return f"account:{account.uuid}"


def device_of(account: Account) -> TotpDevice | None:
    """The account's device (no query when the account was loaded with select_related)."""
    # A missing reverse one-to-one raises an AttributeError subclass: getattr's default catches it.
    return cast(TotpDevice | None, getattr(account, "totp_device", None))


def is_enrolled(account: Account) -> bool:
    device = device_of(account)
    return device is not None and device.confirmed


def enrolment_for(account: Account) -> Enrolment:
    """The secret being enrolled: made once, shown again on reload until it is confirmed."""
    device = device_of(account)
    if device is not None and device.confirmed:
        raise AlreadyEnrolled
    if device is None:
        device = TotpDevice.objects.create(account=account, secret=crypto.seal(pyotp.random_base32()))
    secret = crypto.unseal(device.secret)
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name=ISSUER)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title="QR-code", border=2)
    return Enrolment(secret=secret, uri=uri, qr_svg=qr_svg)


def _matching_step(secret: str, code: str, at: float) -> int | None:
    """The 30-second step (now, or one before or after: clocks drift) whose code this is."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(at // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_totp(device: TotpDevice, code: str, at: float | None = None) -> bool:
    step = _matching_step(crypto.unseal(device.secret), code, time.time() if at is None else at)
    if step is None:
        return False
    # Atomic: a code (step) that was used before never works again, not even in a parallel request.
    return TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step) == 1


def _replace_recovery_codes(account: Account) -> list[str]:
    codes = crypto.new_recovery_codes()
    RecoveryCode.objects.filter(account=account).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(account=account, digest=crypto.recovery_digest(account.uuid, code)) for code in codes
    )
    return codes


@transaction.atomic
def do_confirm_enrolment(account: Account, code: str, *, at: float | None = None) -> list[str] | None:
    """Turn two-factor on with a first code from the app. Returns the recovery codes (shown once),
    or None when the code is wrong (nothing changes)."""
    device = TotpDevice.objects.select_for_update().filter(account=account).first()
    if device is None or device.confirmed or not _use_totp(device, code, at):
        return None
    confirmed_at = now()
    TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=confirmed_at)
    cached = device_of(account)
    if cached is not None:
        cached.confirmed_at = confirmed_at
    codes = _replace_recovery_codes(account)
    record_event("twofactor.enabled", actor=_subject(account), subject=_subject(account))
    return codes


def verify_second_factor(account: Account, code: str, *, at: float | None = None) -> Factor | None:
    """A code from the app, or an unused recovery code (which is then used up)."""
    device = device_of(account)
    if device is None or not device.confirmed:
        return None
    if _use_totp(device, code, at):
        return "totp"
    digest = crypto.recovery_digest(account.uuid, code)
    if RecoveryCode.objects.filter(account=account, digest=digest, used_at__isnull=True).update(
        used_at=now()
    ):
        left = RecoveryCode.objects.filter(account=account, used_at__isnull=True).count()
        record_event(
            "twofactor.recovery_code_used", actor=_subject(account), subject=_subject(account), left=left
        )
        return "recovery"
    return None


@transaction.atomic
def do_new_recovery_codes(account: Account) -> list[str]:
    """Fresh recovery codes; the old ones stop working."""
    if not is_enrolled(account):
        raise ValueError("two-factor is not on for this account")
    codes = _replace_recovery_codes(account)
    record_event("twofactor.recovery_codes_replaced", actor=_subject(account), subject=_subject(account))
    return codes


class TurnOffRefused(ValueError):
    """Two-factor stays on; the message says why (`field`: the form field it is about, or None)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@transaction.atomic
def do_turn_off(account: Account, *, password: str) -> None:
    """Remove the device and the recovery codes of the person's own account, when they gave its
    password and no school they coordinate requires two factors (TurnOffRefused: nothing changes)."""
    if required_for(active_placements(account)):
        raise TurnOffRefused(gettext("Je school verplicht tweestapsverificatie voor ICT-coördinatoren."))
    if not account.check_password(password):
        raise TurnOffRefused(gettext("Dit wachtwoord klopt niet."), field="password")
    TotpDevice.objects.filter(account=account).delete()
    RecoveryCode.objects.filter(account=account).delete()
    record_event("twofactor.disabled", actor=_subject(account), subject=_subject(account))


def recovery_codes_left(account: Account) -> int:
    return RecoveryCode.objects.filter(account=account, used_at__isnull=True).count()


def required_for(placements: Iterable[StaffPlacement]) -> bool:
    """Must this person use two factors? Yes when they coordinate a school that requires it.
    Asks the database only for coordinators."""
    schools = [placement.school_id for placement in placements if is_coordinator(placement)]
    if not schools:
        return False
    return SchoolTwoFactorPolicy.objects.filter(school_id__in=schools, coordinators_required=True).exists()


def coordinators_required(school: SchoolLocation) -> bool:
    return SchoolTwoFactorPolicy.objects.filter(school=school, coordinators_required=True).exists()


@transaction.atomic
def do_set_coordinator_requirement(school: SchoolLocation, required: bool, *, actor: Actor) -> None:
    """Whether the school's ICT coordinators must use two factors; `actor`: a coordinator of the
    school (`require_coordinator_of`) or a system actor."""
    by = require_coordinator_of(actor, school)
    SchoolTwoFactorPolicy.objects.update_or_create(
        school=school, defaults={"coordinators_required": required}
    )
    record_event(
        "twofactor.school_setting",
        actor=by,
        subject=f"school:{school.code}",
        school_ref=school.instelling_ref,
        coordinators_required=required,
    )
