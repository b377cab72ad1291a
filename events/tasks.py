"""Background work (django-tasks), run by the worker on the declared schedule.

uitdatabank_sync_all_task.enqueue()            every 15 minutes: incremental, every site
uitdatabank_sync_all_task.enqueue(full=True)   nightly: whole selections, withdraw what left
uitdatabank_import_task.enqueue(site_id=site.pk, full=False)
occurrences_refresh_task.enqueue()
events_availability_task.enqueue()             every minute: availableFrom / availableTo
"""

from django_tasks import task
from wagtail.models import Site

from events.services import (
    events_availability_apply,
    occurrences_refresh,
    sites_with_selection,
    uitdatabank_import_site,
)


@task()
def uitdatabank_import_task(*, site_id: int, full: bool = False) -> dict:
    """One site's sync; a site removed since the task was enqueued is skipped."""
    site = Site.objects.select_related("root_page").filter(pk=site_id).first()
    if site is None:
        return {"run": None, "outcome": "geen website"}
    run = uitdatabank_import_site(site=site, full=full)
    return {
        "run": run.pk,
        "outcome": run.outcome,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "rejected": run.rejected,
        "withdrawn": run.withdrawn,
    }


@task()
def uitdatabank_sync_all_task(*, full: bool = False) -> int:
    """Enqueue one import task per site with a selection, so one slow or failing site holds
    up no other; returns how many were enqueued."""
    sites = sites_with_selection()
    for site in sites:
        uitdatabank_import_task.enqueue(site_id=site.pk, full=full)
    return len(sites)


# The old name, kept for schedules and callers that still use it.
uitdatabank_import_all_task = uitdatabank_sync_all_task


@task()
def occurrences_refresh_task() -> int:
    return occurrences_refresh()


@task()
def events_availability_task() -> int:
    """Imported events go public at their availableFrom and offline at their availableTo on
    the minute; returns how many pages changed."""
    return events_availability_apply()
