"""Settings shared by every environment.

Everything that differs between environments comes from the environment (see .env.example).
`dev` and `test` only override; `production` adds the hardening that `check --deploy` asks for.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.search import search_backends

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")  # production.py refuses to start without it

INSTALLED_APPS = [
    "home",
    "pagecache",
    "library_pages",
    "registrations",
    "events",
    "uitpublish",
    "opendata",
    "network",
    "places",
    "catalogue",
    "makerspace",
    "central",
    "sitegen",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "jobs",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # /healthz answers before host validation, the HTTPS redirect and sessions.
    "jobs.middleware.HealthCheckMiddleware",
    # Before anything calls request.get_host(): a site's hostname is then the first entry
    # Django's host check tries in production (home.hosts.SiteAllowedHosts).
    "home.hosts.SiteHostMiddleware",
    # Before every other reader of REMOTE_ADDR, so they see the visitor behind trusted proxies.
    "home.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "home.middleware.AdminHostMiddleware",
    "home.csp.ContentSecurityPolicyMiddleware",
    # Answers anonymous GET/HEAD of public pages from the cache, before sessions, CSRF and
    # authentication run (docs/caching.md); checks posts of forms on cached pages.
    "pagecache.middleware.PageCacheMiddleware",
    # The request's site from a per-process map of hostnames (home.routing), for what renders.
    "home.routing.SiteMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "home.middleware.AdminTenancyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.site_shell",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: the embedded SQLite file unless DATABASE_URL says otherwise (PostgreSQL in production).
SILENCED_SYSTEM_CHECKS: list[str] = []
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has a web server, a worker and the scheduler writing to one SQLite file:
    # WAL lets readers and the writer overlap, IMMEDIATE takes the write lock up front (no
    # deadlock on lock upgrade) and the timeout waits for it instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # The agenda's covering indexes (events.Occurrence) carry INCLUDE columns for PostgreSQL's
    # index-only scans; SQLite builds them without those columns, which is all it can do.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set, a per-process memory cache otherwise.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache; pages render without it while Redis is down.
            "BACKEND": "pagecache.backends.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "bibnet"),
            "TIMEOUT": 300,
            # Fail fast when Redis is down: pages then render without the cache.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: lock a username + address pair after repeated failures.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Lock out the visitor behind trusted proxies, not the proxy every visitor shares.
AXES_CLIENT_IP_CALLABLE = "home.client_address.client_address_for"

# Reverse proxies / CDN in front of the app whose X-Forwarded-For is believed (IPs and CIDR
# networks, "unix" for a Unix-socket peer); empty trusts nobody. See home/client_address.py.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Nederlands"))]
WAGTAIL_CONTENT_LANGUAGES = [("nl-be", "Nederlands")]
# Only complete languages: the admin is used in Dutch, and Wagtail's English would meet our
# Dutch labels half-way (issue #13.5).
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl-be", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    # S3-compatible media (django-storages); credentials come from the usual AWS_* variables.
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL")
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN")
    AWS_QUERYSTRING_AUTH = False
    AWS_DEFAULT_ACL = None

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@bibliotheek.be")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's tasks framework; the immediate backend runs tasks in-process
# until a worker backend is configured. Production: TASKS_BACKEND=django_tasks_db.DatabaseBackend
# with `manage.py jobs_worker` and `manage.py run_scheduler` (docs/operations.md).
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}
# The declared schedules (jobs reads them by dotted path so it imports no app above it).
JOBS_SCHEDULE = "config.schedule.SCHEDULE"
# The timezone the cron expressions are read in.
JOBS_TIMEZONE = env("JOBS_TIMEZONE", "Europe/Brussels")
# A worker or scheduler whose heartbeat is older than this is shown as down, and a task its
# worker was running is handed to another worker (seconds).
JOBS_HEARTBEAT_SECONDS = int(env("JOBS_HEARTBEAT_SECONDS", "15"))
JOBS_STALE_SECONDS = int(env("JOBS_STALE_SECONDS", "120"))
# Finished task results and job runs older than this are pruned every night (days).
JOBS_RESULT_RETENTION_DAYS = int(env("JOBS_RESULT_RETENTION_DAYS", "30"))

# Local events published to UiTdatabank through its Entry API (uitpublish, docs/uitpublish.md):
# OAuth2 client credentials from publiq; without them a request fails with a Dutch message.
UITDATABANK_ENTRY_URL = env("UITDATABANK_ENTRY_URL", "https://io.uitdatabank.be")
UITPUBLISH_TOKEN_URL = env("UITPUBLISH_TOKEN_URL", "https://account.uitid.be/oauth/token")
UITPUBLISH_AUDIENCE = env("UITPUBLISH_AUDIENCE", "https://api.publiq.be")
UITPUBLISH_CLIENT_ID = env("UITPUBLISH_CLIENT_ID", "")
UITPUBLISH_CLIENT_SECRET = env("UITPUBLISH_CLIENT_SECRET", "")
UITPUBLISH_TIMEOUT = float(env("UITPUBLISH_TIMEOUT", "10"))
# The task backend alias the syncs are enqueued on (TASKS).
UITPUBLISH_TASK_BACKEND = env("UITPUBLISH_TASK_BACKEND", "default")

# Wagtail
# The admin's brand: the login page, the browser title and the dashboard welcome.
WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", "Bibnet")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_MODERATION_ENABLED = True
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# No Gravatar by default: it would send a hash of every editor's e-mail address to a third party
# and show a broken image where outgoing requests are blocked; editors upload an avatar in
# their account instead. GRAVATAR_PROVIDER_URL (https only: the admin's CSP) turns it on.
WAGTAIL_GRAVATAR_PROVIDER_URL = env("GRAVATAR_PROVIDER_URL") or None

# Elasticsearch when SEARCH_URL is set (SEARCH_BACKEND: elasticsearch8 by default, 7 or 9);
# the database backend otherwise. See config/search.py.
SEARCH_URL = env("SEARCH_URL")
WAGTAILSEARCH_BACKENDS = search_backends(
    url=SEARCH_URL or "",
    engine=env("SEARCH_BACKEND", ""),
    index=env("SEARCH_INDEX", "bibnet"),
    timeout=int(env("SEARCH_TIMEOUT", "5")),
)

# Cultuurconnect catalogue web service (sites whose catalogue page uses that backend).
CATALOGUE_API_URL = env("CATALOGUE_API_URL", "https://cataloguswebservices.bibliotheek.be")
CATALOGUE_API_KEY = env("CATALOGUE_API_KEY", "")
CATALOGUE_API_TIMEOUT = float(env("CATALOGUE_API_TIMEOUT", "3"))
# The count index's file cache (docs/catalogue.md): a directory that web processes and the
# worker share; unset: `bibnet-countindex` in the system's temporary directory; "" turns it off.
CATALOGUE_COUNT_INDEX_CACHE = env("CATALOGUE_COUNT_INDEX_CACHE")
# A process that took this many seconds to load the index writes the cache.
CATALOGUE_COUNT_INDEX_CACHE_AFTER = float(env("CATALOGUE_COUNT_INDEX_CACHE_AFTER", "1"))

# Full-page cache for anonymous visitors (pagecache, docs/caching.md): on/off, and the longest
# a page is kept (seconds; time-bound content and purges retire it earlier).
PAGECACHE_ENABLED = env_bool("PAGECACHE_ENABLED", True)
PAGECACHE_SECONDS = int(env("PAGECACHE_SECONDS", "21600"))
# With Redis: the bytes of cached pages each process keeps itself, kept exact by Redis's
# invalidations (pagecache.nearcache); 0 turns that copy off.
PAGECACHE_LOCAL_BYTES = int(env("PAGECACHE_LOCAL_BYTES", str(8 * 1024 * 1024)))
# The "Binnenkort" block's events, cached until the site's home page is purged (events.blocks).
UPCOMING_BLOCK_CACHE = env_bool("UPCOMING_BLOCK_CACHE", True)
# Routes and pages' main content cached for uncached renders until their path is purged
# (home.fragments).
PAGE_FRAGMENT_CACHE = env_bool("PAGE_FRAGMENT_CACHE", True)

# Front-end cache (CDN/Varnish) purging when a purge endpoint is configured.
FRONTEND_CACHE_URL = env("FRONTEND_CACHE_URL")
if FRONTEND_CACHE_URL:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")
    WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_URL,
        }
    }

# Hosts: the admin host, any extra host named in ALLOWED_HOSTS, and every Wagtail Site's hostname
# (read from the database, cached; see home.hosts).
ADMIN_HOSTNAME = (
    env("ADMIN_HOSTNAME")
    or (WAGTAILADMIN_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0])
)
EXTRA_ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# The admin (and its login) answers on ADMIN_HOSTNAME only; elsewhere /admin/ is a 404
# (home.middleware.AdminHostMiddleware).
# The network site (sitegen network): the agenda and search over every site, on the landing
# host. Default: the admin's host, so http://localhost:8000/ is the network's home page.
NETWORK_HOSTNAME = env("NETWORK_HOSTNAME", "") or ADMIN_HOSTNAME
ADMIN_HOST_ONLY = env_bool("ADMIN_HOST_ONLY", True)
# Send the Content-Security-Policy (home.csp) as Report-Only, e.g. while trying a change.
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)

# The map on a location page: tiles from this server (an https URL template with {z}/{x}/{y};
# img-src of the CSP allows https: images), drawn by the Leaflet copy in static/vendor/. Empty:
# no map, only the address link.
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "© OpenStreetMap-bijdragers")

# Sites that provisioning creates get `<slug>.<SITE_DOMAIN_SUFFIX>` unless a hostname is given.
SITE_DOMAIN_SUFFIX = env("SITE_DOMAIN_SUFFIX", "localhost")
SITE_PORT = int(env("SITE_PORT", "80"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "WARNING"},
        # Wagtail logs every page action and django-tasks every task at INFO.
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # The scheduler logs every heartbeat and tick at INFO; run_scheduler logs what it enqueues.
        "apscheduler": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}


def require(name: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value
