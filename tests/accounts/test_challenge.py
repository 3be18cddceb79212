"""Proof-of-work challenge: signed, expiring, single use; every malformed answer is refused."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from altcha import ChallengeOptionsV1, create_challenge_v1, solve_challenge_v1

from klaspoort.accounts.challenge import FIELD, Verification, new_challenge, verify_solution

pytestmark = pytest.mark.django_db


def solve(challenge: dict[str, Any], **changes: Any) -> str:
    """What the browser posts: base64 JSON of the challenge with the number it found."""
    solution = solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    assert solution is not None
    answer = {
        "algorithm": challenge["algorithm"],
        "challenge": challenge["challenge"],
        "number": solution.number,
        "salt": challenge["salt"],
        "signature": challenge["signature"],
        **changes,
    }
    return base64.b64encode(json.dumps(answer).encode()).decode()


def encode(value: object) -> str:
    return base64.b64encode(json.dumps(value).encode()).decode()


def test_challenge_has_the_altcha_fields_and_an_expiry() -> None:
    challenge = new_challenge(max_number=1000)
    assert set(challenge) == {"algorithm", "challenge", "maxNumber", "salt", "signature"}
    assert challenge["algorithm"] == "SHA-256"
    assert challenge["maxNumber"] == 1000
    assert "expires=" in challenge["salt"]
    assert FIELD == "altcha"


def test_default_work_comes_from_settings(settings: Any) -> None:
    settings.CHALLENGE_MAX_NUMBER = 1234
    assert new_challenge()["maxNumber"] == 1234


def test_solved_challenge_passes_once(cache_backend: str) -> None:
    answer = solve(new_challenge(max_number=1000))
    assert verify_solution(answer) == Verification("ok")
    assert verify_solution(answer) == Verification("used")


def test_two_challenges_are_independent() -> None:
    first, second = solve(new_challenge(max_number=500)), solve(new_challenge(max_number=500))
    assert verify_solution(first).ok
    assert verify_solution(second).ok


@pytest.mark.parametrize("payload", [None, ""])
def test_missing_answer(payload: str | None) -> None:
    assert verify_solution(payload) == Verification("missing")


@pytest.mark.parametrize(
    "payload",
    [
        "not base64 at all!",
        base64.b64encode(b"not json").decode(),
        encode([1, 2, 3]),
        encode({"algorithm": "SHA-256"}),
        "A" * 1025,
    ],
    ids=["not-base64", "not-json", "not-an-object", "fields-missing", "too-long"],
)
def test_malformed_answers(payload: str) -> None:
    assert verify_solution(payload) == Verification("malformed")


@pytest.mark.parametrize(
    "changes",
    [{"algorithm": "SHA-1"}, {"number": -1}, {"number": True}, {"number": "12"}, {"signature": "xyz"}],
    ids=["other-algorithm", "negative", "bool", "string-number", "bad-signature-format"],
)
def test_answers_with_wrong_field_types_are_malformed(changes: dict[str, Any]) -> None:
    assert verify_solution(solve(new_challenge(max_number=200), **changes)) == Verification("malformed")


def test_wrong_number_is_invalid() -> None:
    challenge = new_challenge(max_number=200)
    good = json.loads(base64.b64decode(solve(challenge)))
    assert verify_solution(solve(challenge, number=good["number"] + 1)) == Verification("invalid")


def test_challenge_signed_with_another_key_is_invalid(settings: Any) -> None:
    settings.CHALLENGE_HMAC_KEY = "someone-elses-key"
    answer = solve(new_challenge(max_number=200))
    settings.CHALLENGE_HMAC_KEY = "our-key"
    assert verify_solution(answer) == Verification("invalid")


def test_challenge_without_expiry_is_not_ours(settings: Any) -> None:
    challenge = create_challenge_v1(ChallengeOptionsV1(max_number=200, hmac_key=settings.CHALLENGE_HMAC_KEY))
    assert verify_solution(solve(challenge.to_dict())) == Verification("invalid")


def test_expired_challenge_is_refused_and_not_used_up() -> None:
    answer = solve(new_challenge(max_number=200, lifetime=-5))
    assert verify_solution(answer) == Verification("expired")
    assert verify_solution(answer) == Verification("expired")


def test_a_challenge_is_dearer_by_its_level_which_is_signed_into_it(
    settings: Any, cache_backend: str
) -> None:
    """Finding 9 of issue 12: the cost is adaptive, and a cheap challenge cannot pass for a dear one."""
    settings.CHALLENGE_MAX_NUMBER = 100
    assert [new_challenge(level=n)["maxNumber"] for n in (0, 1, 5)] == [100, 200, 3200]
    cheap = new_challenge(level=0)
    assert "level=0" in cheap["salt"]
    answer = solve(cheap)
    assert verify_solution(answer, min_level=2) == Verification("weak")
    forged = solve(cheap, salt=cheap["salt"].replace("level=0", "level=5"))
    assert verify_solution(forged, min_level=2) == Verification("invalid")  # the salt is hashed in
    assert verify_solution(solve(new_challenge(level=2)), min_level=2) == Verification("ok")
    assert verify_solution(answer) == Verification("ok")  # a weak refusal did not use it up
