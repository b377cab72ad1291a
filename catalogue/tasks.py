"""Background work of the catalogue (django-tasks), run by the worker.

recommendations_refresh_task.enqueue()   nightly (config/schedule.py) and after import_marc
"""

from django_tasks import task

from catalogue.recommendations import recommendations_refresh


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
