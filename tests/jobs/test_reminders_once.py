"""The reminder job never sends a reminder twice: not on a second run, not after a worker was
killed between recording and sending; a failed send is tried again."""

import pytest
from django.core import mail

from registrations.models import EmailKind, EmailLog
from registrations.services import registration_create, registrations_remind
from registrations.tasks import registrations_remind_task
from tests.factories.makerspace import CourseIndexPageFactory, CoursePageFactory
from tests.factories.registrations import registration_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_tomorrow(site_a):
    index = CourseIndexPageFactory(parent=site_a.home)
    return CoursePageFactory(parent=index, days_ahead=1, reminder_days=2)


def test_running_the_reminder_job_twice_sends_one_mail(course_tomorrow):
    registration_create(page=course_tomorrow, data=registration_data(1))
    mail.outbox.clear()

    first = registrations_remind_task.enqueue()
    second = registrations_remind_task.enqueue()

    assert (first.return_value, second.return_value) == (1, 0)
    assert len(mail.outbox) == 1
    assert EmailLog.objects.filter(kind=EmailKind.REMINDER).count() == 1


def test_a_claim_left_by_a_killed_worker_is_not_sent_again(course_tomorrow):
    registration = registration_create(page=course_tomorrow, data=registration_data(1))
    mail.outbox.clear()
    # What a worker killed after recording and before sending leaves behind.
    EmailLog.objects.create(
        registration=registration, kind=EmailKind.REMINDER, recipient="x", subject="x"
    )
    assert registrations_remind() == 0
    assert mail.outbox == []


def test_a_failed_send_is_retried_on_the_next_run(course_tomorrow, monkeypatch):
    registration_create(page=course_tomorrow, data=registration_data(1))
    mail.outbox.clear()

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    from django.core.mail import EmailMultiAlternatives

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", refuse)
        assert registrations_remind() == 0
    log = EmailLog.objects.get(kind=EmailKind.REMINDER)
    assert log.success is False and "smtp down" in log.error

    assert registrations_remind() == 1
    assert registrations_remind() == 0
    assert len(mail.outbox) == 1


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, no `except Exception` catches it."""


def test_a_worker_killed_right_after_sending_does_not_cause_a_second_mail(
    course_tomorrow, monkeypatch
):
    registration_create(page=course_tomorrow, data=registration_data(1))
    mail.outbox.clear()
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send

    def send_then_die(self, *args, **kwargs):
        real_send(self, *args, **kwargs)
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", send_then_die)
        with pytest.raises(WorkerKilled):
            registrations_remind()
    assert len(mail.outbox) == 1

    # The job runs again (the killed task was requeued): nothing more goes out.
    assert registrations_remind() == 0
    assert len(mail.outbox) == 1
