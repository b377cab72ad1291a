"""Worker throughput of the database task backend, on PostgreSQL.

    make bench-tasks   (or: .venv/bin/python benchmarks/tasks.py [--tasks 1000] [--workers 1])

Creates a fresh database (BENCH_DATABASE_URL, default bibnet_bench_tasks on the local
PostgreSQL), migrates it, enqueues N small tasks (one row insert each) through django-tasks'
`enqueue` on django-tasks-db, then starts `manage.py jobs_worker --batch` (1 or more processes)
and times until the queue is empty. Prints the enqueue rate and the worker throughput, and the
same through the job runner (the JobRun record and retry policy every scheduled job pays).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.database import database_recreate  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bibnet_bench_tasks"


def run_workers(*, count: int, env: dict) -> float:
    command = [
        sys.executable,
        "manage.py",
        "jobs_worker",
        "--queue-name",
        "*",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0",
        "-v",
        "0",
    ]
    started = time.perf_counter()
    processes = [subprocess.Popen(command, cwd=ROOT, env=env) for _ in range(count)]
    for process in processes:
        if process.wait() != 0:
            raise SystemExit("a worker failed")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    database_recreate(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        # The worker checks its connection after every task; with 0 it reconnects each time.
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", "60"),
    }
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from jobs.services import job_enqueue
    from jobs.tasks import tasks_recover_task

    call_command("migrate", verbosity=0)
    out = sys.stdout

    out.write(
        f"django-tasks-db on PostgreSQL, {args.tasks} tasks, {args.workers} worker(s), "
        f"DATABASE_CONN_MAX_AGE={env['DATABASE_CONN_MAX_AGE']}\n"
    )
    for label, enqueue in (
        ("plain task", lambda: tasks_recover_task.enqueue()),
        (
            "through the job runner",
            lambda: job_enqueue(job="bench", task_path="jobs.tasks.tasks_recover_task", kwargs={}),
        ),
    ):
        DBTaskResult.objects.all().delete()
        started = time.perf_counter()
        for _ in range(args.tasks):
            enqueue()
        enqueued = time.perf_counter() - started
        elapsed = run_workers(count=args.workers, env=env)
        done = DBTaskResult.objects.successful().count()
        out.write(
            f"  {label:<24} enqueue {args.tasks / enqueued:7.0f}/s   "
            f"worker {done / elapsed:6.0f} tasks/s ({done}/{args.tasks} successful in "
            f"{elapsed:.1f} s, process start included)\n"
        )


if __name__ == "__main__":
    main()
