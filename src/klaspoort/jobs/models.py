"""What the background jobs did: one row per run of a named job, so operators see the last run."""

from __future__ import annotations

from django.db import models


class JobRun(models.Model):
    """One run of a scheduled job (housekeeping, sweeps): when, how it ended and what it did."""

    class Outcome(models.TextChoices):
        RUNNING = "running", "running"
        OK = "ok", "ok"
        FAILED = "failed", "failed"

    job = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.RUNNING)
    summary = models.JSONField(default=dict, blank=True, help_text="counts, e.g. {'sessions': 12}")
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"
