"""The system checks that the settings silence depend on the database: SQLite ignores the
INCLUDE columns of the agenda's covering indexes (models.W040), PostgreSQL uses them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings

SILENCED = (
    "import json; from django.conf import settings; "
    "print(json.dumps(settings.SILENCED_SYSTEM_CHECKS))"
)


def _run(
    args: list[str], *, database_url: str, settings_module: str
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "SECRET_KEY": "only-for-this-test",
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_on_a_fresh_sqlite_database_prints_no_warning(tmp_path):
    result = _run(
        ["manage.py", "check", "--database", "default"],
        database_url=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        settings_module="config.settings.dev",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "W040" not in output
    # One W040 per model with a covering index, each silenced: no warning printed.
    assert re.search(r"System check identified no issues \(\d+ silenced\)\.", output), output


@pytest.mark.parametrize(
    ("database_url", "settings_module", "expected"),
    [
        ("sqlite:////tmp/unused.sqlite3", "config.settings.dev", ["models.W040"]),
        (
            "sqlite:////tmp/unused.sqlite3",
            "config.settings.production",
            ["models.W040", "security.W019"],
        ),
        ("postgres://postgres@127.0.0.1:5432/unused", "config.settings.dev", []),
        ("postgres://postgres@127.0.0.1:5432/unused", "config.settings.test", []),
        (
            "postgres://postgres@127.0.0.1:5432/unused",
            "config.settings.production",
            ["security.W019"],
        ),
    ],
)
def test_covering_index_warning_is_silenced_on_sqlite_only(database_url, settings_module, expected):
    result = _run(["-c", SILENCED], database_url=database_url, settings_module=settings_module)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected
