"""Settings of `make audit` and `make screenshots`: the demo network served as production serves
it, so that Lighthouse measures what a visitor gets rather than the development server.

- `DEBUG` off: the project's own 404 page (not Django's technical one), no debug context.
- Static files collected into audit/out/static by whitenoise's compressed manifest storage (as in
  production): content-hashed names, a year of browser cache, gzip (and brotli when the `brotli`
  package is installed) answered from files compressed ahead of time.
- HTML compressed by Django's GZipMiddleware: it stands in for the reverse proxy's compression
  in production (docs/operations.md, "Behind a reverse proxy"); Django's middleware pads its
  output against BREACH.
- Media served by Django (`audit/urls.py`): in production the proxy or S3 serves them.
"""

from config.settings.dev import *  # noqa: F403
from config.settings.dev import BASE_DIR, MIDDLEWARE, STORAGES

DEBUG = False
STATIC_ROOT = BASE_DIR / "audit" / "out" / "static"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MIDDLEWARE = ["django.middleware.gzip.GZipMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "audit.urls"
