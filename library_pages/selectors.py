"""Reads for library and centre pages. Every selector takes the site (or its root) it serves."""

from django.db.models import QuerySet
from wagtail.models import Page

from home.selectors import public_pages
from library_pages.models import LocationPage, NewsIndexPage, NewsPage
from library_pages.models.locations import hours_prefetches
from library_pages.sitemap import SitemapEntry, sitemap_tree

# The sitemap lives in library_pages.sitemap (the sitemap page's model imports it); it is
# re-exported here with the other reads.
__all__ = ["SitemapEntry", "locations_for_site", "news_for_index", "news_latest", "sitemap_tree"]


def news_for_index(*, index: NewsIndexPage) -> QuerySet[NewsPage]:
    return index.news_pages()


def news_latest(*, root: Page, limit: int = 3) -> list[NewsPage]:
    return list(
        public_pages(NewsPage.objects.live())
        .descendant_of(root)
        .select_related("image")
        .order_by("-date", "-pk")[:limit]
    )


def locations_for_site(*, root: Page) -> list[LocationPage]:
    """Live locations under a site root, with their hours prefetched (two queries more)."""
    return list(
        LocationPage.objects.live()
        .descendant_of(root)
        .order_by("path")
        .prefetch_related(*hours_prefetches())
    )
