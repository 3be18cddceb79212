from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klaspoort.accounts.pupils.codes import (
    CodeKind,
    code_problem,
    default_kind,
    generate_code,
    generate_picture_password,
    generate_pin,
    normalise_submission,
    picture_password_problem,
    pin_problem,
)
from klaspoort.accounts.pupils.pictures import PASSWORD_KEYS


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("0000", "Vier dezelfde cijfers"),
        ("7777", "Vier dezelfde cijfers"),
        ("1234", "oplopende of aflopende"),
        ("0123", "oplopende of aflopende"),
        ("6789", "oplopende of aflopende"),
        ("7890", "oplopende of aflopende"),
        ("9012", "oplopende of aflopende"),
        ("4321", "oplopende of aflopende"),
        ("9876", "oplopende of aflopende"),
        ("2109", "oplopende of aflopende"),
        ("1212", "herhaald paar"),
        ("6969", "herhaald paar"),
        ("1010", "herhaald paar"),
        ("1122", "Twee keer twee"),
        ("0011", "Twee keer twee"),
        ("1984", "jaartal"),
        ("2000", "jaartal"),
        ("2026", "jaartal"),
        ("2580", "veel gebruikt"),
        ("0852", "veel gebruikt"),
        ("1470", "veel gebruikt"),
        ("1379", "veel gebruikt"),
        ("1004", "veel gebruikt"),
        ("5683", "veel gebruikt"),
        ("123", "precies 4 cijfers"),
        ("12345", "precies 4 cijfers"),
        ("12a4", "precies 4 cijfers"),
        ("١٢٣٤", "precies 4 cijfers"),  # Arabic-Indic digits are digits, but not ours
        ("", "precies 4 cijfers"),
    ],
)
def test_trivial_pins_are_refused_with_the_reason(pin: str, reason: str) -> None:
    problem = pin_problem(pin)
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize("pin", ["4821", "3917", "0472", "8305", "5129", "7046"])
def test_ordinary_pins_are_fine(pin: str) -> None:
    assert pin_problem(pin) is None


def test_generated_pins_are_four_digits_and_never_trivial() -> None:
    generated = {generate_pin() for _ in range(3000)}
    assert all(len(pin) == 4 and pin.isdigit() and pin_problem(pin) is None for pin in generated)
    assert len(generated) > 2000  # random, not a short list


def test_the_refused_share_of_all_pins_is_small() -> None:
    refused = [f"{n:04d}" for n in range(10000) if pin_problem(f"{n:04d}")]
    assert len(refused) == 436  # 4.4 % of the 10,000 codes


def test_picture_passwords_are_two_different_pictures_of_the_nine() -> None:
    for _ in range(200):
        value = generate_picture_password()
        first, second = value.split(",")
        assert first in PASSWORD_KEYS
        assert second in PASSWORD_KEYS
        assert first != second
        assert picture_password_problem(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("zon,zon", "twee verschillende"),
        ("zon", "twee plaatjes uit de negen"),
        ("zon,maan,ster", "twee plaatjes uit de negen"),
        ("zon,kat", "twee plaatjes uit de negen"),
        ("", "twee plaatjes uit de negen"),
    ],
)
def test_bad_picture_passwords_are_refused(value: str, reason: str) -> None:
    problem = picture_password_problem(value)
    assert problem is not None
    assert reason in problem


@pytest.mark.parametrize(
    ("year_group", "kind"),
    [("1", CodeKind.PICTURES), ("2", CodeKind.PICTURES), ("3", CodeKind.PICTURES), ("0", CodeKind.PICTURES),
     ("4", CodeKind.PIN), ("8", CodeKind.PIN), ("S", CodeKind.PIN), ("", CodeKind.PIN), (" 3 ", CodeKind.PICTURES)],
)  # fmt: skip
def test_default_kind_by_year_group(year_group: str, kind: CodeKind) -> None:
    assert default_kind(year_group) == kind


def test_generate_code_matches_its_kind() -> None:
    assert code_problem(CodeKind.PIN, generate_code(CodeKind.PIN)) is None
    assert code_problem(CodeKind.PICTURES, generate_code(CodeKind.PICTURES)) is None


def test_submissions_are_normalised() -> None:
    assert normalise_submission(CodeKind.PIN, " 48 21 ") == "4821"
    assert normalise_submission(CodeKind.PICTURES, "Zon, MAAN") == "zon,maan"


@settings(max_examples=200)
@given(st.text(max_size=8))
def test_pin_problem_never_crashes(text: str) -> None:
    problem = pin_problem(text)
    assert problem is None or isinstance(problem, str)
