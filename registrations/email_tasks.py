"""The e-mails of the registration engine as background work (django-tasks): what the services
enqueue when a transaction commits. The immediate backend runs them in-process; a worker
backend (TASKS_BACKEND) runs them in `manage.py jobs_worker`."""

from django_tasks import task

from registrations.emails import registration_email_send
from registrations.models import EmailKind


@task()
def registration_email_task(*, registration_id: int, kind: str) -> bool:
    return registration_email_send(registration_id=registration_id, kind=kind)


@task()
def registration_message_task(*, registration_id: int, subject: str, body: str) -> bool:
    return registration_email_send(
        registration_id=registration_id, kind=EmailKind.MESSAGE, subject=subject, body=body
    )
