import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_application = get_wsgi_application()

# Cache hits are answered in front of Django's handler (pagecache.wsgi, docs/caching.md);
# imported once Django is set up.
from pagecache.wsgi import PageCacheApplication  # noqa: E402

application = PageCacheApplication(django_application)
