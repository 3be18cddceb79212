"""What celery beat queues, and when (times in Europe/Amsterdam). Plain data: imported by
`klaspoort/celery.py` before Django is set up. docs/operations.md lists the same jobs with reasons."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

SCHEDULE: dict[str, dict[str, Any]] = {
    # Queued mails whose retry is due or whose queuing was lost (broker away at commit).
    "mail-sweep": {"task": "klaspoort.accounts.tasks.deliver_due_mails", "schedule": 60.0},
    # Automatic LAS links whose run is due: each school's slot in the night window, or a retry.
    "las-due": {"task": "klaspoort.laslink.tasks.queue_due_syncs", "schedule": 60.0},
    # Expired sessions, one-time tokens and OpenID Connect grants: nobody can use them any more.
    "purge-expired": {"task": "klaspoort.jobs.tasks.purge_expired", "schedule": crontab(minute=17)},
    # A new OpenID Connect signing key pair when the newest is SIGNING_KEY_ROTATION_DAYS old.
    "rotate-signing-keys": {
        "task": "klaspoort.jobs.tasks.rotate_signing_keys",
        "schedule": crontab(hour=3, minute=7),
    },
    # Audit events, disclosures, import runs, mails and job runs past their retention period.
    "retention": {"task": "klaspoort.jobs.tasks.apply_retention", "schedule": crontab(hour=4, minute=11)},
    # A staged next school year takes over for what is not decided at query time (leavers, names,
    # newcomers) on its start day; groups and memberships already switched at midnight by date.
    "switch-school-years": {
        "task": "klaspoort.jobs.tasks.switch_school_years",
        "schedule": crontab(minute=5, hour="0-6"),
    },
    # The official register of school locations (A1) from KLASPOORT_REGISTER_SOURCE, monthly: DUO
    # refreshes its open-data file at the start of the month.
    "register-import": {
        "task": "klaspoort.jobs.tasks.import_register",
        "schedule": crontab(day_of_month=3, hour=2, minute=40),
    },
    # Substitute teachers (C14) after their last day: marked ended, their sessions and SSO grants
    # ended with back-channel logout to partners. Access itself ended at midnight by date (query
    # time); every quarter hour also retries a cut-off lost after an early end by hand.
    "end-substitutions": {
        "task": "klaspoort.jobs.tasks.end_substitutions",
        "schedule": crontab(minute="*/15"),
    },
    # Mergers and splits of school locations planned for today (operator console, A8); after the
    # school-year switch, before the night's LAS slots.
    "reorganisations-due": {
        "task": "klaspoort.operator.tasks.run_due_reorganisations",
        "schedule": crontab(hour=0, minute=20),
    },
}
