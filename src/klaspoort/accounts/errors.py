"""Errors of account actions; their message is fit to show to the user."""

from __future__ import annotations


class AccountError(ValueError):
    """An account action was refused; str(error) says why in plain language."""


class PasswordRejected(AccountError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems
