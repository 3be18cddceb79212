"""`record_event`: the one way to write to the audit trail."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from klaspoort.audit.models import AuditEvent
from klaspoort.core.inserts import InsertStatement

logger = logging.getLogger("klaspoort.audit")
# Written on every login: one prepared INSERT instead of the ORM's (`make bench-insert`).
_INSERT = InsertStatement(AuditEvent)


def record_event(
    action: str,
    *,
    outcome: str = "ok",
    actor: str = "",
    subject: str = "",
    school_ref: uuid.UUID | None = None,
    client_ip: str | None = None,
    **data: Any,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        outcome=outcome,
        actor=actor[:128],
        subject=subject[:128],
        school_ref=school_ref,
        client_ip=client_ip,
        data=data,
    )
    _INSERT.insert(event)
    logger.info("audit %s outcome=%s actor=%s subject=%s %s", action, outcome, actor, subject, data)
    return event
