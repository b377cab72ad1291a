"""Local development: `make run`. Debug on, mails to the console, every *.localhost host."""

from .base import *  # noqa: F403
from .base import EXTRA_ALLOWED_HOSTS, env

DEBUG = True
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1", "[::1]", *EXTRA_ALLOWED_HOSTS]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
SITE_PORT = int(env("SITE_PORT", "8000"))
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# `make run` starts a worker and the scheduler next to the web server: tasks go to the
# database (the SQLite file unless DATABASE_URL is set) so imports and e-mails visibly happen.
TASKS = {
    "default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")},
}
