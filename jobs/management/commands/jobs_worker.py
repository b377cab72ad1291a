"""The task worker: django-tasks-db's `db_worker` plus a heartbeat (shown in "Achtergrondtaken"
and used to recover the tasks of a worker that died) and, at start, that recovery.

    manage.py jobs_worker [--queue-name '*'] [--batch] [--max-tasks N] ...   (db_worker's options)
"""

import atexit
import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from jobs.models import Heartbeat
from jobs.services import heartbeat_beat, heartbeat_forget, tasks_recover, worker_stopped

logger = logging.getLogger("jobs.worker")


class HeartbeatWorker(Worker):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._stop_beating = threading.Event()

    def _beat_forever(self, stop: threading.Event) -> None:
        while not stop.wait(settings.JOBS_HEARTBEAT_SECONDS):
            try:
                heartbeat_beat(kind=Heartbeat.Kind.WORKER, process_id=self.worker_id)
            except Exception:
                logger.exception("Heartbeat of worker %s not recorded", self.worker_id)
            finally:
                # This thread's own connection: never leave it open between beats.
                connection.close()

    def run(self) -> None:
        heartbeat_beat(kind=Heartbeat.Kind.WORKER, process_id=self.worker_id)
        recovered = tasks_recover()
        if recovered:
            logger.warning("Requeued %d task(s) of stopped workers", recovered)
        stop = self._stop_beating
        beater = threading.Thread(target=self._beat_forever, args=(stop,), daemon=True)
        beater.start()
        try:
            super().run()
        finally:
            stop.set()
            close_old_connections()
            heartbeat_forget(process_id=self.worker_id)

    def exit_abruptly(self) -> None:
        """At interpreter exit while `run` may still be going (under the autoreloader the
        worker runs in a daemon thread, and a reload or SIGTERM ends the process with
        sys.exit in the main thread: `run`'s `finally` never executes). Stops the heartbeat
        and removes this worker's row, requeueing the task it was running, so the admin
        shows no dead worker after a reload."""
        self._stop_beating.set()
        try:
            worker_stopped(process_id=self.worker_id)
        except Exception:
            logger.exception("Heartbeat of worker %s not removed", self.worker_id)
        finally:
            connection.close()


class Command(DBWorkerCommand):
    help = "Run the background task worker (database backend) with a heartbeat"

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False
        worker = HeartbeatWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
                # The process the reloader replaces on a code change exits from its main
                # thread while worker.run (a daemon thread) is cut off: clean up at exit.
                atexit.register(worker.exit_abruptly)
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
