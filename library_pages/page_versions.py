"""The versions of paths for the fragments of uncached renders (home.fragments), taken from the
page cache's purges: a path's version is its site's generation and the purge token of the path
and of each path above it but the home page (the records `pagecache.keys.path_key` names, which
a purge deletes). So whatever retires a page's cached answer (its publish, a parent's, what it
lists) or a parent's (breadcrumbs show the parents' titles) retires the fragments made for it.

Registered from LibraryPagesConfig.ready(): `home` names no component and cannot import the
page cache."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.core.cache import cache
from wagtail.models import Site

from home.generations import site_generation_key
from pagecache import keys


def path_version(*, site: Site, path: str, create: bool = False) -> str | None:
    """The version of `path` (the site's URL path, e.g. "/nieuws/") on `site`: None while a
    record is missing. With `create`, missing records are made (`cache.add`) and None is
    returned all the same: what the caller read before they existed may predate a purge, so
    only a later request, which reads the version before its data, stores under it. Records
    are made only for paths of pages (routing asks once a page answered the path), so
    made-up paths create nothing. One cache round trip."""
    netloc = urlsplit(site.root_url).netloc.lower()
    prefixes = ["/"]
    for component in (part for part in path.split("/") if part):
        prefixes.append(f"{prefixes[-1]}{component}/")
    if len(prefixes) > 1:
        # Every publish on a site purges its home page; the pages below show nothing of it
        # (their breadcrumbs say "Startpagina"), so its token is left out of their versions.
        prefixes = prefixes[1:]
    record_keys = [keys.path_key(netloc, prefix) for prefix in prefixes]
    generation_key = site_generation_key(site.pk)
    found = cache.get_many([generation_key, *record_keys])
    missing = [record_key for record_key in record_keys if found.get(record_key) is None]
    if missing:
        if create:
            for record_key in missing:
                cache.add(
                    record_key,
                    {"token": secrets.token_hex(6), "params": ()},
                    keys.default_seconds() + 3600,
                )
        return None
    tokens = ".".join(found[record_key]["token"] for record_key in record_keys)
    return f"{found.get(generation_key) or 1}:{tokens}"
