"""gunicorn.conf.py: gunicorn reads it by default and freezes what a worker has loaded."""

import gc
from pathlib import Path

from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent.parent


def _loaded() -> Config:
    config = Config()
    namespace: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_gunicorn_reads_the_file_from_the_working_directory_by_default():
    assert Config().settings["config"].get() == "./gunicorn.conf.py"
    assert (ROOT / "gunicorn.conf.py").is_file()


def test_a_worker_freezes_what_it_loaded():
    hook = _loaded().post_worker_init
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    kept = [object() for _ in range(10)]  # tracked
    kept.append({})
    try:
        hook(None)
        assert gc.get_freeze_count() > len(kept)
    finally:
        gc.unfreeze()
