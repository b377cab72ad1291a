from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "places"
    verbose_name = _("Kaart en in de buurt")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from home.signals import pages_changed
        from library_pages.models import LocationPage
        from pagecache import registry
        from places import purges
        from places.selectors import places_changed

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(places_changed, dispatch_uid=f"places-{signal!r}")
        post_delete.connect(places_changed, sender=LocationPage, dispatch_uid="places-delete")
        # A site's name or hostname is part of every place's entry.
        post_save.connect(places_changed, sender=Site, dispatch_uid="places-site")
        # "In de buurt" lists every site's coming events: purged with them.
        registry.register_lister(purges.nearby_listed_on)
        pages_changed.connect(purges.events_bulk_changed, dispatch_uid="places-pages-changed")
