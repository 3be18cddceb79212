"""Celery tasks of the scheduled jobs (`klaspoort.jobs.schedule`). Each is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from klaspoort.jobs import housekeeping
from klaspoort.jobs.runs import run_job


@shared_task
def purge_expired() -> int:
    """Expired sessions, one-time tokens and OpenID Connect grants; returns the JobRun's id."""
    return run_job("purge-expired", housekeeping.purge_expired).pk


@shared_task
def rotate_signing_keys() -> int:
    return run_job("rotate-signing-keys", housekeeping.rotate_signing_keys).pk


@shared_task
def apply_retention() -> int:
    return run_job("retention", housekeeping.apply_retention).pk


@shared_task
def switch_school_years() -> int:
    """Staged rosters whose school year has started take over (`roster.importing.switch`)."""
    return run_job("switch-school-years", _switch_school_years).pk


def _switch_school_years() -> dict[str, int]:
    from klaspoort.roster.importing.switch import do_switch_school_years

    outcomes = do_switch_school_years()
    return {
        "schools": len(outcomes),
        "applied": sum(1 for outcome in outcomes if outcome.status == "applied"),
        "not_applied": sum(1 for outcome in outcomes if outcome.status != "applied"),
    }


@shared_task
def end_substitutions() -> int:
    """Substitutes past their last day: ended, sessions and SSO grants cut off (C14)."""
    from klaspoort.substitutes.actions import end_finished_substitutions

    return run_job("end-substitutions", end_finished_substitutions).pk


@shared_task
def import_register() -> int:
    """The official register from `KLASPOORT_REGISTER_SOURCE` (`registry.scheduled`), monthly."""
    from klaspoort.registry.scheduled import import_register_from_source

    return run_job("register-import", import_register_from_source).pk
