"""The sitemap of a site: its live, public pages two levels deep. Reads Wagtail pages only,
so the sitemap page's model imports it without an import circle."""

from dataclasses import dataclass, field

from wagtail.models import Page


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
