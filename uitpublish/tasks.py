"""Background work of uitpublish (django-tasks): one sync per event, and the periodic sweep
that config/schedule.py declares (uitpublish_retry)."""

from django_tasks import task


@task()
def publication_sync_task(*, publication_id: int) -> str:
    from uitpublish.services import publication_sync

    return publication_sync(publication_id=publication_id)


@task()
def publications_retry_task() -> int:
    from uitpublish.services import publications_retry

    return publications_retry()
