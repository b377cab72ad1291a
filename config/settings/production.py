"""Production: secure by default. Refuses to start without SECRET_KEY.

`manage.py check --deploy` passes with zero warnings on these settings.
"""

from .base import *  # noqa: F403
from .base import ADMIN_HOSTNAME, EXTRA_ALLOWED_HOSTS, env, env_bool, require

DEBUG = False
SECRET_KEY = require("SECRET_KEY")

# No wildcard: the admin host, explicitly named extra hosts, and the hostnames of the sites in
# the database (home.hosts.SiteAllowedHosts reads them through the cache).
from home.hosts import SiteAllowedHosts  # noqa: E402

ALLOWED_HOSTS = SiteAllowedHosts([ADMIN_HOSTNAME, *EXTRA_ALLOWED_HOSTS])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Wagtail's live preview panel shows the page being edited in a same-origin iframe; DENY would
# blank it. Cross-origin framing stays refused, which is what W019 protects against.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W019"]  # noqa: F405
CSRF_TRUSTED_ORIGINS = [f"https://{ADMIN_HOSTNAME}"] + [
    f"https://{host.lstrip('.')}" for host in EXTRA_ALLOWED_HOSTS
]
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
