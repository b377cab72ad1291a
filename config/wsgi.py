import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Cache hits are answered in front of Django's handler (pagecache.wsgi, docs/caching.md).
from pagecache.wsgi import PageCacheApplication  # noqa: E402

application = PageCacheApplication(get_wsgi_application())
