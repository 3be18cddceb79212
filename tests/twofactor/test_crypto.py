from __future__ import annotations

import uuid

from klaspoort.twofactor import crypto


def test_sealed_secret_opens_again_and_does_not_show_it() -> None:
    sealed = crypto.seal("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert crypto.unseal(sealed) == "JBSWY3DPEHPK3PXP"
    assert crypto.seal("JBSWY3DPEHPK3PXP") != sealed  # random IV


def test_recovery_codes_are_readable_and_distinct() -> None:
    codes = crypto.new_recovery_codes()
    assert len(codes) == 10
    assert len(set(codes)) == 10
    for code in codes:
        assert len(code) == 11
        assert code[5] == "-"
        assert set(code.replace("-", "")) <= set(crypto.RECOVERY_ALPHABET)


def test_recovery_digest_is_keyed_per_account_and_ignores_typing_details() -> None:
    account = uuid.uuid4()
    digest = crypto.recovery_digest(account, "k7pqm-3xrta")
    assert len(digest) == 64
    assert crypto.recovery_digest(account, " K7PQM 3XRTA ") == digest
    assert crypto.recovery_digest(uuid.uuid4(), "k7pqm-3xrta") != digest
    assert "k7pqm" not in digest
