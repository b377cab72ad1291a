"""The scheduler process: fires the declared schedules (config/schedule.py, SCHEDULE_*
overrides) by ENQUEUEING their jobs; the worker runs them. One per app server is fine: each
tick is enqueued once (jobs.services.schedule_fire).

    manage.py run_scheduler [--list]
"""

import datetime as dt
import logging
import signal

from apscheduler.schedulers.blocking import BlockingScheduler
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from jobs.models import Heartbeat
from jobs.registry import Schedule, jobs_timezone, schedules_all
from jobs.services import heartbeat_beat, heartbeat_forget, process_id_new, schedule_fire

logger = logging.getLogger("jobs.scheduler")


def fire(schedule: Schedule, fire_time: dt.datetime | None = None) -> None:
    close_old_connections()
    # Minute precision: two schedulers firing the same tick agree on its key.
    tick = (fire_time or timezone.now()).replace(second=0, microsecond=0)
    try:
        if schedule_fire(schedule=schedule, fire_time=tick):
            logger.info("Enqueued %s for %s", schedule.name, tick.isoformat())
    except Exception:
        logger.exception("Could not enqueue %s", schedule.name)


def beat(process_id: str) -> None:
    close_old_connections()
    try:
        heartbeat_beat(kind=Heartbeat.Kind.SCHEDULER, process_id=process_id)
    except Exception:
        logger.exception("Scheduler heartbeat not recorded")


class Command(BaseCommand):
    help = "Run the scheduler: enqueue the declared periodic jobs at their times"

    def add_arguments(self, parser):
        parser.add_argument(
            "--list", action="store_true", help="List the schedules and their next run, then exit"
        )

    def handle(self, *, list: bool, **options) -> None:
        schedules = schedules_all()
        now = timezone.now()
        for schedule in schedules:
            next_run = schedule.next_run(now=now)
            self.stdout.write(
                f"{schedule.name:<26} {schedule.cron or 'off':<16} "
                f"{next_run.isoformat() if next_run else '-'}  {schedule.task}"
            )
        if list:
            return
        scheduler = BlockingScheduler(timezone=jobs_timezone())
        for schedule in schedules:
            trigger = schedule.trigger()
            if trigger is None:
                continue
            scheduler.add_job(
                fire,
                trigger=trigger,
                args=[schedule],
                id=schedule.name,
                # A tick missed by more than a minute (process paused, clock jump) is skipped;
                # the next one comes.
                misfire_grace_time=60,
                coalesce=True,
                max_instances=1,
            )
        process_id = process_id_new(kind="scheduler")
        beat(process_id)
        scheduler.add_job(
            beat,
            "interval",
            seconds=settings.JOBS_HEARTBEAT_SECONDS,
            args=[process_id],
            id="heartbeat",
            coalesce=True,
        )
        # honcho and systemd stop processes with SIGTERM: shut down cleanly, like on Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
        self.stdout.write("Scheduler started; Ctrl-C stops it.")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            close_old_connections()
            heartbeat_forget(process_id=process_id)
