"""The process runner's configuration: `make run` starts three processes, production too."""

from pathlib import Path

from honcho.environ import parse_procfile

ROOT = Path(__file__).resolve().parents[2]


def _processes(name: str) -> dict[str, str]:
    return dict(parse_procfile((ROOT / name).read_text()).processes)


def test_procfile_dev_starts_web_worker_and_scheduler():
    processes = _processes("Procfile.dev")
    assert set(processes) == {"web", "worker", "scheduler"}
    assert processes["web"].startswith("python manage.py runserver ")
    assert processes["worker"].startswith("python manage.py jobs_worker ")
    assert "--queue-name '*'" in processes["worker"]
    assert processes["scheduler"] == "python manage.py run_scheduler"


def test_production_procfile_runs_gunicorn_worker_and_scheduler():
    processes = _processes("Procfile")
    assert set(processes) == {"web", "worker", "scheduler"}
    assert processes["web"].startswith("gunicorn config.wsgi ")
    assert processes["worker"].startswith("python manage.py jobs_worker ")
    assert "--no-reload" in processes["worker"]
    assert processes["scheduler"] == "python manage.py run_scheduler"


def test_make_run_uses_the_dev_procfile():
    makefile = (ROOT / "Makefile").read_text()
    run_recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "honcho -f Procfile.dev start" in run_recipe
