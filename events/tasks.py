"""Background work (django-tasks): run these from a scheduler (cron, a worker's periodic job).

uitdatabank_import_task.enqueue(site_id=site.pk)
occurrences_refresh_task.enqueue()
"""

from django_tasks import task
from wagtail.models import Site

from events.services import (
    occurrences_refresh,
    selection_url_for_site,
    uitdatabank_import_site,
)


@task()
def uitdatabank_import_task(*, site_id: int, url: str | None = None) -> dict:
    site = Site.objects.get(pk=site_id)
    run = uitdatabank_import_site(site=site, url=url)
    return {
        "run": run.pk,
        "outcome": run.outcome,
        "created": run.created,
        "updated": run.updated,
        "rejected": run.rejected,
        "withdrawn": run.withdrawn,
    }


@task()
def uitdatabank_import_all_task() -> int:
    """Every site with a selection; one site's failure does not stop the others."""
    count = 0
    for site in Site.objects.filter(tenant__isnull=False):
        if selection_url_for_site(site=site) is None:
            continue
        uitdatabank_import_site(site=site)
        count += 1
    return count


@task()
def occurrences_refresh_task() -> int:
    return occurrences_refresh()
