"""Purges: which URLs and sites a change retires, and retiring them (in this cache and in
Wagtail's frontend cache backends when WAGTAILFRONTENDCACHE is configured).

Signal handlers compute the targets while the change's transaction is open (a deleted page
still has its URL), and hand them to `pagecache_purge_task` once it commits: a purge never
blocks or breaks a publish, and one that fails is retried by the task worker."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page, ReferenceIndex, Site

from home.generations import bump_site_generations
from pagecache import keys, registry
from pagecache.registry import PurgeTargets

logger = logging.getLogger(__name__)

# A bulk change naming more pages than this retires its sites instead of each page.
BULK_PAGES = 200


# --- targets -----------------------------------------------------------------------------------


def page_urls(*, page: Page) -> list[str]:
    """The absolute URLs of `page` (one per site it is reachable on; none when orphaned)."""
    url = page.get_full_url()
    return [url] if url else []


def page_purge_urls(*, page: Page) -> list[str]:
    """`page` and every page that lists it: its parent index, its site's home page and
    sitemap, and what the components' listers name (agenda, feeds, regional agendas)."""
    page = page.specific_deferred if type(page) is Page else page
    urls = page_urls(page=page)
    parent = page.get_parent()
    if parent is not None and parent.depth > 1:
        urls += page_urls(page=parent)
    site = page.get_site()
    if site is not None:
        root_url = site.root_url.rstrip("/")
        urls += [f"{root_url}/", f"{root_url}/sitemap.xml"]
    for lister in registry.listers():
        for target in lister(page) or ():
            if isinstance(target, str):
                urls.append(target)
            elif isinstance(target, Page):
                urls += page_urls(page=target)
    return list(dict.fromkeys(urls))


def targets_urls(targets: PurgeTargets) -> list[str]:
    urls = list(targets.urls)
    with registry.purge_batch():  # listers answer once per site, not once per page
        for page in targets.pages:
            urls += page_purge_urls(page=page)
    return list(dict.fromkeys(urls))


def referencing_pages(*, instance) -> list[Page]:
    """Live pages whose content embeds `instance` (a shared section in a StreamField), from
    Wagtail's reference index."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = {
        int(object_id)
        for object_id in ReferenceIndex.get_references_to(instance)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    }
    if not page_ids:
        return []
    return list(Page.objects.filter(pk__in=page_ids, live=True).specific())


# --- purging -----------------------------------------------------------------------------------


def purge_now(*, urls: Iterable[str] = (), site_ids: Iterable[int] = ()) -> None:
    """Retire the URLs and sites here and in the frontend cache. Raises when a cache fails."""
    urls = list(dict.fromkeys(urls))
    site_ids = sorted(set(site_ids))
    if site_ids:
        bump_site_generations(site_ids)
    record_keys = []
    for url in urls:
        parts = urlsplit(url)
        if parts.netloc:
            record_keys.append(keys.path_key(parts.netloc.lower(), parts.path or "/"))
    if record_keys:
        cache.delete_many(record_keys)
    if getattr(settings, "WAGTAILFRONTENDCACHE", None):
        frontend_urls = list(urls)
        if site_ids:
            # A CDN cannot retire a site by generation: name the site's live pages.
            frontend_urls += site_page_urls(site_ids=site_ids)
        if frontend_urls:
            from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

            purge_urls_from_cache(list(dict.fromkeys(frontend_urls)))


def site_page_urls(*, site_ids: Iterable[int]) -> list[str]:
    urls: list[str] = []
    for site in Site.objects.filter(pk__in=list(site_ids)).select_related("root_page"):
        root_url = site.root_url.rstrip("/")
        root_path = site.root_page.url_path
        urls += [f"{root_url}/sitemap.xml"]
        for url_path in (
            Page.objects.live()
            .filter(path__startswith=site.root_page.path)
            .values_list("url_path", flat=True)
        ):
            urls.append(root_url + "/" + url_path[len(root_path) :])
    return urls


def _enqueue(*, urls: list[str], site_ids: list[int]) -> None:
    if not urls and not site_ids:
        return
    from pagecache.tasks import pagecache_purge_task

    try:
        pagecache_purge_task.enqueue(urls=urls, site_ids=site_ids, attempt=1)
    except Exception:
        # The task backend itself is down: never let that fail the publish.
        logger.exception("Page cache purge could not be enqueued (%d URLs)", len(urls))


def purge_enqueue(*, urls: Iterable[str] = (), site_ids: Iterable[int] = ()) -> None:
    """Purge once the current transaction commits, through the task worker (retried there)."""
    urls = list(dict.fromkeys(urls))
    site_ids = sorted(set(site_ids))
    if urls or site_ids:
        transaction.on_commit(lambda: _enqueue(urls=urls, site_ids=site_ids))


class _BulkBatch:
    """Pages created in bulk in one transaction (an import): their own URLs, and one page per
    parent and region whose listings are worked out after the commit, not once per page inside
    the import's transaction. Discarded with the transaction on a rollback."""

    def __init__(self) -> None:
        self.urls: dict[str, None] = {}
        self.pages: dict[tuple, Page] = {}

    def __call__(self) -> None:
        urls = list(self.urls)
        try:
            with registry.purge_batch():
                for page in self.pages.values():
                    urls += page_purge_urls(page=page)
        except Exception:
            logger.exception("Page cache purge of bulk-created pages not computed")
        _enqueue(urls=list(dict.fromkeys(urls)), site_ids=[])


def purge_bulk_created(*, page: Page) -> None:
    """A page just created in bulk: see _BulkBatch."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        purge_pages(pages=[page])
        return
    batch = next(
        (entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _BulkBatch)),
        None,
    )
    if batch is None:
        batch = _BulkBatch()
        transaction.on_commit(batch)
    batch.urls.update(dict.fromkeys(page_urls(page=page)))
    parent_path = page.path[: -page.steplen]
    key = (parent_path, getattr(page, "regional", None), getattr(page, "region", None))
    batch.pages.setdefault(key, page)


def purge_targets(targets: PurgeTargets) -> None:
    """Purge `targets` (pages with what lists them, URLs, sites) after the commit."""
    purge_enqueue(urls=targets_urls(targets), site_ids=targets.site_ids)


def purge_pages(*, pages: Iterable[Page]) -> None:
    purge_targets(PurgeTargets(pages=list(pages)))


def purge_sites(*, site_ids: Iterable[int]) -> None:
    purge_enqueue(site_ids=site_ids)
