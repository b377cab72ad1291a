"""Scheduled work of the registration engine (django-tasks): reminders and anonymisation run
on the declared schedule (config/schedule.py); the management commands
(`registrations_send_reminders`, `registrations_anonymise`) remain for a run by hand.

The e-mail tasks that the services enqueue live in registrations.email_tasks, below the
services; they stay importable from here (jobs queued before the move name this module).
"""

from django_tasks import task

from registrations.email_tasks import registration_email_task, registration_message_task
from registrations.services import registrations_anonymise_expired, registrations_remind

__all__ = [
    "registration_email_task",
    "registration_message_task",
    "registrations_anonymise_task",
    "registrations_remind_task",
]


@task()
def registrations_remind_task() -> int:
    return registrations_remind()


@task()
def registrations_anonymise_task() -> int:
    return registrations_anonymise_expired()
