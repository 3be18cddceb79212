"""`run_job`: run one named job, log it and record it as a JobRun (its last run is what operators see)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from django.db.models import Max

from klaspoort.core import clock
from klaspoort.jobs.models import JobRun

logger = logging.getLogger("klaspoort.jobs")


def run_job(job: str, work: Callable[[], Mapping[str, int]]) -> JobRun:
    """Run `work` (returns counts) as job `job`; a failure is recorded and raised again."""
    run = JobRun.objects.create(job=job, started_at=clock.now())
    try:
        summary = dict(work())
    except Exception as exc:
        run.outcome, run.error, run.finished_at = JobRun.Outcome.FAILED, repr(exc)[:500], clock.now()
        run.save(update_fields=["outcome", "error", "finished_at"])
        logger.exception("job %s failed run=%s", job, run.pk)
        raise
    run.outcome, run.summary, run.finished_at = JobRun.Outcome.OK, summary, clock.now()
    run.save(update_fields=["outcome", "summary", "finished_at"])
    logger.info("job %s ok run=%s %s", job, run.pk, summary)
    return run


def last_runs() -> list[JobRun]:
    """The newest run of every job (two queries, however many runs are kept)."""
    newest = JobRun.objects.values("job").annotate(newest=Max("id")).values_list("newest", flat=True)
    return list(JobRun.objects.filter(id__in=list(newest)).order_by("job"))
