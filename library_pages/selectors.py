"""Reads for library and centre pages. Every selector takes the site (or its root) it serves."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from wagtail.models import Page

from home.selectors import public_pages
from library_pages.models import LocationPage, NewsIndexPage, NewsPage
from library_pages.models.locations import hours_prefetches


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


@dataclass
class SitemapEntry:
    title: str
    url: str
    children: list["SitemapEntry"] = field(default_factory=list)
    # Pages below this one that the sitemap leaves out (a long agenda or news list).
    more: int = 0


def sitemap_tree(*, root: Page, max_children: int = 12) -> list[SitemapEntry]:
    """The live, public pages of two levels under the site's home page, in tree order.

    One query for the pages and one for the child counts; a section with more than
    `max_children` pages lists none of them but says how many there are."""
    pages = list(
        Page.objects.live()
        .public()
        .descendant_of(root)
        .filter(depth__lte=root.depth + 2)
        .order_by("path")
        .only("id", "title", "path", "depth", "url_path", "numchild")
    )
    site_root_path = root.url_path
    sections: list[SitemapEntry] = []
    by_path: dict[str, SitemapEntry] = {}
    for page in pages:
        url = "/" + page.url_path[len(site_root_path) :]
        entry = SitemapEntry(title=page.title, url=url)
        if page.depth == root.depth + 1:
            sections.append(entry)
            by_path[page.path] = entry
        else:
            parent = by_path.get(page.path[: -Page.steplen])
            if parent is not None:
                parent.children.append(entry)
    for entry in sections:
        if len(entry.children) > max_children:
            entry.more = len(entry.children)
            entry.children = []
    return sections
