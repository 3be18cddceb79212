from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from klaspoort.accounts.passwords import (
    MAX_LENGTH,
    contains_email_name,
    password_problems,
    validate_new_password,
)

EMAIL = "jan.devries@school.example"


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


@pytest.mark.parametrize(
    "password",
    [
        "zonnebloem42",
        "q7w9z3k5",
        "Twee schapen en 3 koeien op de dijk",
        "é" * 7 + "1",
        "x1" * 64,
        "k" * 1023 + "1",
    ],
)
def test_good_passwords(password: str) -> None:
    assert password_problems(password, email=EMAIL) == []
    validate_new_password(password, email=EMAIL)


def test_at_least_eight_characters() -> None:
    assert password_problems("qz7w3k1", email=EMAIL) == [
        "Je wachtwoord is te kort: gebruik minstens 8 tekens."
    ]
    assert password_problems("abcd1234x", email=EMAIL) == []


def test_at_most_1024_characters_so_long_passphrases_fit() -> None:
    assert MAX_LENGTH >= 128
    assert password_problems("a1" * 64, email=EMAIL) == []
    assert password_problems("a" * 1024 + "1", email=EMAIL) == [
        "Je wachtwoord is te lang: gebruik hoogstens 1024 tekens."
    ]


@pytest.mark.parametrize("password", ["zonnebloemen", "1234567890987", "!!!!????...."])
def test_needs_a_letter_and_a_digit(password: str) -> None:
    assert "Gebruik in je wachtwoord minstens één letter en één cijfer." in password_problems(
        password, email=EMAIL
    )


@pytest.mark.parametrize("password", ["password1", "Password1", "qwerty123", "iloveyou1"])
def test_common_passwords_are_refused(password: str) -> None:
    problems = password_problems(password, email=EMAIL)
    assert len(problems) == 1
    assert problems == ["Dit wachtwoord is te algemeen."]  # Django's own Dutch text


@pytest.mark.parametrize("password", ["jan.devries1", "XXdevries99", "JAN.DEVRIES-2024"])
def test_email_name_is_refused(password: str) -> None:
    assert password_problems(password, email=EMAIL) == ["Je wachtwoord mag je e-mailnaam niet bevatten."]


def test_email_name_rule_details() -> None:
    assert contains_email_name("jan12345", "jan@x.example")  # whole name part of 3+ characters
    assert not contains_email_name("jo123456", "jo@x.example")  # too short to matter
    assert not contains_email_name("jan12345", "jan.devries@x.example")  # piece "jan" is under 4
    assert contains_email_name("x-devries-1", "jan.devries@x.example")
    assert not contains_email_name("anything1", "")


def test_several_problems_are_all_reported() -> None:
    assert password_problems("kwqzt", email="kwqzt@x.example") == [
        "Je wachtwoord is te kort: gebruik minstens 8 tekens.",
        "Gebruik in je wachtwoord minstens één letter en één cijfer.",
        "Je wachtwoord mag je e-mailnaam niet bevatten.",
    ]


def test_validate_raises_all_messages() -> None:
    with pytest.raises(ValidationError) as info:
        validate_new_password("short", email=EMAIL)
    assert info.value.messages == [
        "Je wachtwoord is te kort: gebruik minstens 8 tekens.",
        "Gebruik in je wachtwoord minstens één letter en één cijfer.",
    ]


def test_django_validators_apply_the_same_rules() -> None:
    class User:
        email = EMAIL

    with pytest.raises(ValidationError):
        validate_password("devries2024", User())
    validate_password("zonnebloem42", User())


def test_english_messages() -> None:
    with translation.override("en"):
        assert password_problems("qz7w3k1", email=EMAIL) == [
            "Your password is too short: use at least 8 characters."
        ]
