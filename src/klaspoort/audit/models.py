"""Append-only audit trail shared by every domain (login, activation, roles, imports, …)."""

from __future__ import annotations

from typing import Any

from django.db import models


class AuditEvent(models.Model):
    """One thing that happened. Rows are only ever inserted, never updated or deleted: the database
    refuses an UPDATE (`core.append_only`), `delete()` refuses to delete."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=16, default="ok")
    actor = models.CharField(max_length=128, blank=True, help_text="who did it, e.g. account:<uuid>")
    subject = models.CharField(max_length=128, blank=True, db_index=True, help_text="whom it concerns")
    school_ref = models.UUIDField(null=True, blank=True, db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit events are append-only")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.outcome} {self.subject}"
