"""Who may use the operator console: see `twofactor.operators` (shared with the help centre)."""

from klaspoort.twofactor.operators import (
    SESSION_SIGNED_IN,
    is_operator,
    operator_subject,
    require_operator,
    signed_in_operator,
)

__all__ = ["SESSION_SIGNED_IN", "is_operator", "operator_subject", "require_operator", "signed_in_operator"]
