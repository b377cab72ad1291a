"""The versions of paths for the fragments of uncached renders (home.fragments), taken from the
page cache's purges: a path's version is its site's generation and the purge token of the path
and of each path above it but the home page (the records `pagecache.keys.path_key` names, which
a purge deletes). So whatever retires a page's cached answer (its publish, a parent's, what it
lists) or a parent's (breadcrumbs show the parents' titles) retires the fragments made for it.

Registered from LibraryPagesConfig.ready(): `home` names no component and cannot import the
page cache."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from wagtail.models import Site

from home.generations import site_generation_key
from pagecache import keys


def path_version(
    *, site: Site, path: str, create: bool = False, also: list[str] | tuple[str, ...] = ()
) -> tuple[str | None, list[str], dict[str, Any]]:
    """(the version of `path`, the site's URL path such as "/nieuws/", on `site`; the keys of
    the records made; every key read, the keys `also` names among them, with its value, None
    for a missing one). Without `create` the version is None while a record is missing; with
    it, missing records are made (`cache.add`) before the caller reads the data it stores
    under the version, so data read before a purge never lands under a token made after it.
    One cache round trip when the records exist."""
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
    wanted = [generation_key, *record_keys, *also]
    found = cache.get_many(wanted)
    read = {key: found.get(key) for key in wanted}
    created = []
    tokens = []
    for record_key in record_keys:
        record = found.get(record_key)
        if record is None:
            if not create:
                return None, created, read
            record = {"token": secrets.token_hex(6), "params": ()}
            if cache.add(record_key, record, keys.default_seconds() + 3600):
                created.append(record_key)
            else:
                record = cache.get(record_key)
                if record is None:
                    return None, created, read
            read[record_key] = record
        tokens.append(record["token"])
    return f"{found.get(generation_key) or 1}:{'.'.join(tokens)}", created, read
