"""Who runs an action when no person does: a command, a scheduled job, an agent or a partner system.

Every `do_*` action a person triggers checks that person's permission itself
(`accounts.permissions.require_coordinator_of`, `require_teacher_of`, `twofactor.operators
.require_operator`). The same actions also run from the command line, the nightly jobs and the demo,
where no person is signed in: those callers pass a `SystemActor` naming themselves, and the action
records that name in the audit trail. Pages never make one (`tests/test_action_guards.py` checks
where `SystemActor(` is written).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SystemActor:
    """A caller without a person behind it, named in the audit trail ("cli", "demo", "job:...")."""

    name: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a system actor needs a name")

    def __str__(self) -> str:
        return self.name
