"""For the page cache: "in de buurt" (NearbyPage) lists the coming events of every site around
a postcode or position, so an event published, unpublished, moved or deleted anywhere, or
changed by an import, purges it."""

import logging

from wagtail.models import Page

from events.models import EventIndexPage, EventPage
from pagecache.registry import PurgeTargets, batch_memo

logger = logging.getLogger(__name__)


def nearby_pages() -> list[Page]:
    from places.models import NearbyPage

    return list(NearbyPage.objects.live())


def nearby_listed_on(page) -> list:
    """A lister: an event or an agenda is listed on every live "in de buurt" page."""
    if not isinstance(page, (EventPage, EventIndexPage)):
        return []
    return batch_memo(("places.nearby",), nearby_pages)  # once per purge, not per page


def events_bulk_changed(sender, site_ids=(), page_ids=(), **kwargs) -> None:
    """An import or the daily re-expansion changed events: "in de buurt" follows."""
    from pagecache import services

    try:
        pages = nearby_pages()
        if pages:
            services.purge_targets(PurgeTargets(pages=pages))
    except Exception:  # a purge must never fail the import; the page expires on its own
        logger.exception('"In de buurt" not purged after a bulk change')
