"""Errors of account actions; their message is fit to show to the user."""

from __future__ import annotations

from typing import Any


class AccountError(ValueError):
    """An account action was refused; str(error) says why in plain language."""


class PasswordCheckFailed(AccountError):
    """The current password was wrong or its check was throttled; `challenge` is set when the next
    try needs the proof-of-work challenge."""

    def __init__(self, message: str, challenge: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.challenge = challenge


class PasswordRejected(AccountError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems
