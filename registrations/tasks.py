"""Background work of the registration engine (django-tasks). The immediate backend runs these
in-process; a worker backend (TASKS_BACKEND) runs them in `manage.py jobs_worker`. Reminders
and anonymisation run on the declared schedule (config/schedule.py); the management commands
(`registrations_send_reminders`, `registrations_anonymise`) remain for a run by hand."""

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


@task()
def registrations_remind_task() -> int:
    from registrations.services import registrations_remind

    return registrations_remind()


@task()
def registrations_anonymise_task() -> int:
    from registrations.services import registrations_anonymise_expired

    return registrations_anonymise_expired()
