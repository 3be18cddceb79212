"""Celery tasks of the operator console (`klaspoort.jobs.schedule` names them)."""

from __future__ import annotations

from celery import shared_task

from klaspoort.operator import actions


@shared_task
def run_due_reorganisations() -> dict[str, int]:
    """Planned mergers and splits whose effective day has come (`actions.run_due_reorganisations`)."""
    return actions.run_due_reorganisations()
