"""pytest: fast hashing, in-memory mail and cache; DATABASE_URL picks PostgreSQL in CI."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"
# Host validation by site is unit-tested in tests/home/test_hosts.py; the test client uses
# arbitrary site hostnames.
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = env("AXES_ENABLED", "false") == "true"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Tests run tasks in-process; the worker test enqueues on the "database" alias and runs the
# real worker process against the test database.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
SITE_PORT = 80
WAGTAILADMIN_BASE_URL = "http://admin.testserver"
# The admin answers on ADMIN_HOSTNAME only, as in production: every test calls it through the
# admin_client fixture (tests/conftest.py), so the suite proves it.
ADMIN_HOST_ONLY = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Tests of other areas render every request; tests/pagecache turns the page cache on.
PAGECACHE_ENABLED = False
# Retired by the page cache's purges, which tests run only where they capture the commit.
UPCOMING_BLOCK_CACHE = False
PAGE_FRAGMENT_CACHE = False

# No count-index file cache shared through the temporary directory: a test's index never comes
# from another test's database state (tests/catalogue/test_count_index_upkeep.py turns it on
# in a folder of its own).
CATALOGUE_COUNT_INDEX_CACHE = ""
