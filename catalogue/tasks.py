"""Background work of the catalogue (django-tasks), run by the worker.

recommendations_refresh_task.enqueue()   nightly (config/schedule.py) and after import_marc
count_index_compact_task.enqueue()       nightly (config/schedule.py)
"""

from django_tasks import task

from catalogue.recommendations import recommendations_refresh
from catalogue.services import count_index_compact


@task()
def recommendations_refresh_task() -> dict:
    """Recompute "Ook iets voor jou" for the whole catalogue."""
    report = recommendations_refresh()
    return {
        "records": report.records,
        "works": report.works,
        "stored": report.stored,
        "seconds": round(report.total_seconds, 1),
    }


@task()
def count_index_compact_task() -> dict:
    """Compact the count index into one segment and write its file cache."""
    return count_index_compact()
