from __future__ import annotations

import uuid

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from klaspoort.accounts.pupils import crypto

PUPIL = uuid.UUID("11111111-2222-3333-4444-555555555555")
OTHER = uuid.UUID("99999999-2222-3333-4444-555555555555")


def test_seal_and_unseal_round_trip() -> None:
    token = crypto.seal(PUPIL, "pin", "4821")
    assert "4821" not in token
    assert crypto.unseal(token, PUPIL) == ("pin", "4821")
    assert crypto.seal(PUPIL, "pin", "4821") != token  # random IV: equal codes do not look equal


def test_matches_checks_code_kind_and_owner() -> None:
    token = crypto.seal(PUPIL, "pictures", "zon,maan")
    assert crypto.matches(token, PUPIL, "pictures", "zon,maan")
    assert not crypto.matches(token, PUPIL, "pictures", "maan,zon")
    assert not crypto.matches(token, PUPIL, "pin", "zon,maan")
    assert not crypto.matches(token, OTHER, "pictures", "zon,maan")  # copied to another pupil's row


def test_a_token_of_another_pupil_is_unreadable() -> None:
    token = crypto.seal(PUPIL, "pin", "4821")
    with pytest.raises(crypto.UnreadableCode, match="another pupil"):
        crypto.unseal(token, OTHER)


def test_garbage_is_unreadable_and_never_matches() -> None:
    with pytest.raises(crypto.UnreadableCode):
        crypto.unseal("not-a-token", PUPIL)
    assert not crypto.matches("not-a-token", PUPIL, "pin", "4821")


def test_key_rotation_keeps_old_codes_readable_and_rotate_moves_them_to_the_new_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(PUPIL_CODE_KEYS=[old]):
        token = crypto.seal(PUPIL, "pin", "4821")
    with override_settings(PUPIL_CODE_KEYS=[new, old]):
        assert crypto.unseal(token, PUPIL) == ("pin", "4821")
        rotated = crypto.rotate(token)
    with override_settings(PUPIL_CODE_KEYS=[new]):
        assert crypto.unseal(rotated, PUPIL) == ("pin", "4821")
        with pytest.raises(crypto.UnreadableCode):
            crypto.unseal(token, PUPIL)


@pytest.mark.django_db
def test_rotate_command_moves_every_code_to_the_new_key(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    from klaspoort.accounts.pupils.models import PupilCredential
    from tests.accounts.pupils import roster

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(PUPIL_CODE_KEYS=[old]):
        room = roster.classroom()
        roster.credentials(room.group)
        PupilCredential.objects.filter(pupil=room.pupils["Chloe"]).update(secret="broken")
    with override_settings(PUPIL_CODE_KEYS=[new, old]):
        call_command("rotate_pupil_codes")
    assert capsys.readouterr().out.strip() == "2 codes opnieuw versleuteld, 1 onleesbaar (niet gewijzigd)."
    with override_settings(PUPIL_CODE_KEYS=[new]):
        for name in ("Anna", "Bram"):
            credential = PupilCredential.objects.get(pupil=room.pupils[name])
            assert crypto.unseal(credential.secret, credential.pupil.uuid)[0] == "pin"
    assert PupilCredential.objects.get(pupil=room.pupils["Chloe"]).secret == "broken"
