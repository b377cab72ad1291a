"""Other sources of a site's news listing. A component that has news for a site registers a
provider from its `AppConfig.ready()`:

    from library_pages.news_sources import news_sources
    news_sources.register("central_news", provider)

`provider(*, site)` returns entries with `title`, `date`, `intro` and `listing_url` (see
templates/library_pages/news_index_page.html); the news index merges them with its own pages,
newest first.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from wagtail.models import Site


class NewsSources:
    def __init__(self) -> None:
        self._providers: dict[str, Callable[..., list[Any]]] = {}

    def register(self, name: str, provider: Callable[..., list[Any]]) -> None:
        known = self._providers.get(name)
        if known is not None and known is not provider:
            raise ImproperlyConfigured(f"news source {name!r} is registered twice")
        self._providers[name] = provider

    def entries_for_site(self, *, site: Site) -> list[Any]:
        entries: list[Any] = []
        for provider in self._providers.values():
            entries.extend(provider(site=site))
        return entries


news_sources = NewsSources()
