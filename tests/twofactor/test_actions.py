"""Enrolment, codes (single use), recovery codes (hashed, single use), turning off, school setting."""

from __future__ import annotations

import pytest

from klaspoort.accounts.models import Account
from klaspoort.audit.models import AuditEvent
from klaspoort.registry.models import SchoolLocation
from klaspoort.roster.models import StaffPlacement
from klaspoort.twofactor import actions
from klaspoort.twofactor.models import RecoveryCode, SchoolTwoFactorPolicy, TotpDevice
from tests.accounts.conftest import PASSWORD
from tests.twofactor.conftest import STEP, code_at, enrol, step_start

pytestmark = pytest.mark.django_db


def test_enrolment_shows_a_qr_code_made_here_and_keeps_the_secret_sealed(teacher_account: Account) -> None:
    enrolment = actions.enrolment_for(teacher_account)
    assert len(enrolment.secret) == 32
    assert enrolment.uri.startswith("otpauth://totp/klaspoort:anna.jansen%40school.example?secret=")
    assert enrolment.qr_svg.startswith("<svg")
    assert "<image" not in enrolment.qr_svg
    assert "href" not in enrolment.qr_svg
    device = TotpDevice.objects.get(account=teacher_account)
    assert enrolment.secret not in device.secret
    assert not device.confirmed
    # A reload shows the same secret until it is confirmed.
    assert actions.enrolment_for(Account.objects.get(pk=teacher_account.pk)).secret == enrolment.secret


def test_wrong_first_code_changes_nothing(teacher_account: Account) -> None:
    actions.enrolment_for(teacher_account)
    at = step_start()
    right = code_at(teacher_account, at)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert actions.do_confirm_enrolment(teacher_account, wrong, at=at) is None
    assert actions.do_confirm_enrolment(teacher_account, "abcdef", at=at) is None
    device = TotpDevice.objects.get(account=teacher_account)
    assert (device.confirmed_at, device.last_step) == (None, 0)
    assert not RecoveryCode.objects.exists()
    assert not AuditEvent.objects.filter(action="twofactor.enabled").exists()


def test_confirming_gives_ten_recovery_codes_stored_only_hashed(teacher_account: Account) -> None:
    codes = enrol(teacher_account)
    assert len(codes) == 10
    stored = list(RecoveryCode.objects.filter(account=teacher_account).values_list("digest", flat=True))
    assert len(stored) == 10
    assert not set(codes) & set(stored)
    assert all(code.replace("-", "") not in digest for code in codes for digest in stored)
    assert actions.is_enrolled(Account.objects.select_related("totp_device").get(pk=teacher_account.pk))
    assert (
        AuditEvent.objects.filter(
            action="twofactor.enabled", subject=f"account:{teacher_account.uuid}"
        ).count()
        == 1
    )


def test_secret_is_never_shown_again_after_confirmation(teacher_account: Account) -> None:
    enrol(teacher_account)
    with pytest.raises(actions.AlreadyEnrolled):
        actions.enrolment_for(Account.objects.get(pk=teacher_account.pk))


def test_a_code_works_once_and_clock_drift_of_one_step_is_allowed(teacher_account: Account) -> None:
    enrol(teacher_account)
    at = step_start()
    code = code_at(teacher_account, at)
    assert actions.verify_second_factor(teacher_account, code, at=at) == "totp"
    assert actions.verify_second_factor(teacher_account, code, at=at) is None  # replayed
    later = at + STEP
    assert (
        actions.verify_second_factor(teacher_account, code_at(teacher_account, later + STEP), at=later)
        == "totp"
    )
    assert (
        actions.verify_second_factor(teacher_account, code_at(teacher_account, at + 10 * STEP), at=at) is None
    )


def test_recovery_code_works_once(teacher_account: Account) -> None:
    codes = enrol(teacher_account)
    assert actions.verify_second_factor(teacher_account, codes[3].upper()) == "recovery"
    assert actions.verify_second_factor(teacher_account, codes[3]) is None
    assert actions.recovery_codes_left(teacher_account) == 9
    assert AuditEvent.objects.get(action="twofactor.recovery_code_used").data == {"left": 9}


def test_no_second_factor_without_a_confirmed_device(teacher_account: Account) -> None:
    assert actions.verify_second_factor(teacher_account, "123456") is None
    actions.enrolment_for(teacher_account)
    at = step_start()
    assert actions.verify_second_factor(teacher_account, code_at(teacher_account, at), at=at) is None


def test_new_recovery_codes_replace_the_old_ones(teacher_account: Account) -> None:
    old = enrol(teacher_account)
    new = actions.do_new_recovery_codes(teacher_account)
    assert not set(old) & set(new)
    assert actions.verify_second_factor(teacher_account, old[0]) is None
    assert actions.verify_second_factor(teacher_account, new[0]) == "recovery"


def test_turning_off_removes_device_and_codes(teacher_account: Account) -> None:
    enrol(teacher_account)
    actions.do_turn_off(teacher_account, password=PASSWORD)
    assert not TotpDevice.objects.exists()
    assert not RecoveryCode.objects.exists()
    assert AuditEvent.objects.filter(action="twofactor.disabled").count() == 1


def test_required_only_for_coordinators_of_schools_that_ask_it(
    teacher: StaffPlacement,
    coordinator: StaffPlacement,
    school: SchoolLocation,
    django_assert_num_queries: object,
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert actions.required_for([teacher]) is False
    assert actions.required_for([coordinator]) is False
    actions.do_set_coordinator_requirement(school, True, actor=coordinator)
    assert actions.required_for([coordinator]) is True
    assert actions.required_for([teacher]) is False
    assert SchoolTwoFactorPolicy.objects.get(school=school).coordinators_required is True
    event = AuditEvent.objects.get(action="twofactor.school_setting")
    assert (event.subject, event.data) == ("school:12AB00", {"coordinators_required": True})
    actions.do_set_coordinator_requirement(school, False, actor=coordinator)
    assert actions.required_for([coordinator]) is False
