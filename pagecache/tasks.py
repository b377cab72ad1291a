"""The purge task. A purge that fails (Redis down, say) is enqueued again for later, with a
growing delay, when the task backend can defer (the database backend of the worker); after
the last attempt the failure is logged at ERROR. Purges in Wagtail's frontend cache backends
are enqueued from here as Wagtail's own task."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task, task_backends
from django_tasks.base import TaskContext

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_DELAY = dt.timedelta(seconds=15)


def retry_delay(*, attempt: int) -> dt.timedelta:
    """15 s, 1 min, 4 min, 16 min after attempts 1 to 4."""
    return FIRST_DELAY * (4 ** (attempt - 1))


def purge_attempt(*, urls: list[str], site_ids: list[int], attempt: int, backend: str) -> dict:
    """One attempt; on failure, the next one is enqueued on `backend` when it can defer."""
    from pagecache.services import purge_now

    try:
        purge_now(urls=urls, site_ids=site_ids)
    except Exception as exc:
        if attempt < MAX_ATTEMPTS and task_backends[backend].supports_defer:
            retry_at = timezone.now() + retry_delay(attempt=attempt)
            pagecache_purge_task.using(run_after=retry_at, backend=backend).enqueue(
                urls=urls, site_ids=site_ids, attempt=attempt + 1
            )
            logger.warning(
                "Page cache purge failed (attempt %d of %d), retrying at %s: %s",
                attempt,
                MAX_ATTEMPTS,
                retry_at.isoformat(),
                exc,
            )
            return {"retry_at": retry_at.isoformat(), "error": str(exc)}
        logger.error(
            "Page cache purge failed after %d attempt(s), giving up (%d URLs, %d sites): %s",
            attempt,
            len(urls),
            len(site_ids),
            exc,
        )
        return {"error": str(exc), "gave_up": True}
    return {"urls": len(urls), "sites": len(site_ids)}


@task(takes_context=True)
def pagecache_purge_task(
    context: TaskContext, *, urls: list[str], site_ids: list[int], attempt: int = 1
) -> dict:
    return purge_attempt(
        urls=urls, site_ids=site_ids, attempt=attempt, backend=context.task_result.backend
    )
