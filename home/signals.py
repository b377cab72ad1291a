from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from wagtail.models import Site

# Sent after a bulk change that bypasses Wagtail's page signals (an import, a sync, a
# provisioning run) once its transaction has committed. Arguments: ``site_ids`` (the
# sites whose public pages changed) and ``page_ids`` (the pages created, changed or
# withdrawn; may be empty when only listings changed). Receivers purge caches.
pages_changed = Signal()


def _site_changed(sender, **kwargs) -> None:
    from home.hosts import forget_site_hostnames

    forget_site_hostnames()


def connect() -> None:
    post_save.connect(_site_changed, sender=Site, dispatch_uid="home_site_saved")
    post_delete.connect(_site_changed, sender=Site, dispatch_uid="home_site_deleted")
