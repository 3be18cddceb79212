from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klaspoort.federation.pseudonyms import pairwise_group_id, pairwise_subject

PERSON = uuid.UUID("6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f")


def test_subject_is_a_stable_hmac_of_sector_and_person() -> None:
    first = pairwise_subject("noord.example", PERSON, "s3cret")
    assert first == pairwise_subject("noord.example", PERSON, "s3cret")
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    # Known answer: HMAC-SHA256(b"s3cret", "person\x1fnoord.example\x1f<uuid>"); changing the
    # derivation would give every user a new identity at every partner.
    assert first == "e9fa06ed3aabc5993e204ced52f90ee11cc5bfd503dd20f7a545bfe47bc4cd6f"
    assert pairwise_group_id("noord.example", PERSON, "s3cret") == (
        "c50745b9a36e7fcaecf005e8c82942888613ff3271dc9b6333c3cfe165170156"
    )


def test_subject_differs_per_sector_secret_and_kind() -> None:
    base = pairwise_subject("noord.example", PERSON, "s3cret")
    assert pairwise_subject("zuid.example", PERSON, "s3cret") != base
    assert pairwise_subject("noord.example", PERSON, "other") != base
    assert pairwise_group_id("noord.example", PERSON, "s3cret") != base


@given(st.uuids(), st.uuids())
def test_different_people_get_different_subjects(a: uuid.UUID, b: uuid.UUID) -> None:
    if a != b:
        assert pairwise_subject("s", a, "k") != pairwise_subject("s", b, "k")


@pytest.mark.parametrize(("sector", "secret"), [("", "k"), ("s", "")])
def test_sector_and_secret_are_required(sector: str, secret: str) -> None:
    with pytest.raises(ValueError, match="needs a"):
        pairwise_subject(sector, PERSON, secret)
