"""Celery tasks of the LAS link: the due-runs tick (beat, every minute) and one sync per school.

At most `LasVendor.max_concurrency` syncs of one vendor run at once, over all workers: a slot is a
key in the shared cache (Redis in production), taken with an atomic add and given back at the end
(or expiring after `SLOT_SECONDS` when its worker died). A task that finds no free slot waits a few
seconds in the queue and tries again, so no vendor's API is hammered however many workers run.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery import shared_task
from django.core.cache import cache

from klaspoort.core.queue import enqueue
from klaspoort.laslink import pushes, sync
from klaspoort.laslink.models import LasLink

logger = logging.getLogger("klaspoort.laslink")
SLOT_SECONDS = 15 * 60


@contextmanager
def vendor_slot(vendor_id: int, limit: int) -> Iterator[bool]:
    token = uuid.uuid4().hex
    for index in range(max(limit, 1)):
        key = f"kp:las-slot:{vendor_id}:{index}"
        if cache.add(key, token, timeout=SLOT_SECONDS):
            try:
                yield True
            finally:
                if cache.get(key) == token:
                    cache.delete(key)
            return
    yield False


@shared_task(bind=True, max_retries=None, ignore_result=True)
def sync_school(self: Any, link_id: int) -> str:
    """Sync one school's link (idempotent: run twice, the roster is as after one run). The outcome
    is written on the link and in the import history, so no result is stored in the result store."""
    link = LasLink.objects.select_related("vendor", "school").filter(pk=link_id).first()
    if link is None:
        return "inactive"
    with vendor_slot(link.vendor_id, link.vendor.max_concurrency) as free:
        if free:
            return sync.run_sync(link_id, link=link)
    raise self.retry(countdown=1 + random.random() * 4)


@shared_task(ignore_result=True)
def import_pushed(push_id: int) -> str:
    """Import a file a LAS pushed (idempotent: a second run finds the push done)."""
    return pushes.run_push(push_id)


@shared_task
def queue_due_syncs() -> int:
    """The tick: queue a sync for every active link whose run is due (nightly slot or retry), and
    the pushes whose task was lost again."""
    for push_id in pushes.requeue_stale_pushes():
        try:
            import_pushed.delay(push_id)
        except Exception:
            logger.warning("las: could not queue push %s; queued again later", push_id, exc_info=True)
            break
    ids = sync.queue_due_links()
    for link_id in ids:
        try:
            enqueue(sync_school, link_id)
        except Exception:  # the broker is away: the links stay marked and are queued again later
            logger.warning(
                "las: could not queue the sync of link %s; queued again later", link_id, exc_info=True
            )
            break
    return len(ids)
