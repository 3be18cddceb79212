"""`record_event`: the one way to write to the audit trail."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from klaspoort.audit.models import AuditEvent

logger = logging.getLogger("klaspoort.audit")


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
    event = AuditEvent.objects.create(
        action=action,
        outcome=outcome,
        actor=actor[:128],
        subject=subject[:128],
        school_ref=school_ref,
        client_ip=client_ip,
        data=data,
    )
    logger.info("audit %s outcome=%s actor=%s subject=%s %s", action, outcome, actor, subject, data)
    return event
