from django.db.models.signals import post_delete, post_save
from wagtail.models import Site


def _site_changed(sender, **kwargs) -> None:
    from home.hosts import forget_site_hostnames

    forget_site_hostnames()


def connect() -> None:
    post_save.connect(_site_changed, sender=Site, dispatch_uid="home_site_saved")
    post_delete.connect(_site_changed, sender=Site, dispatch_uid="home_site_deleted")
