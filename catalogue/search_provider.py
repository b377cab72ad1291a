"""The catalogue's section of the site search (home.search), on sites with a catalogue page:
the number of titles and the first few, through the page's own backend (the local index
forgives typos and says what it searched instead), with a link to the catalogue search."""

from __future__ import annotations

import logging
from urllib.parse import quote, urlencode

from django.db.models import Subquery
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Site

from catalogue.backends import CatalogueUnavailable, backend_for
from catalogue.backends.base import SearchQuery
from catalogue.forms import clean_text
from catalogue.models import CatalogueSearchPage
from home.models import IntegrationSettings
from home.search import SECTION_ITEMS, SearchItem, SearchSection

logger = logging.getLogger(__name__)


def _count_text(total: int) -> str:
    """Catalogue counts are exact (the count index), so the section says the number as it is."""
    return ngettext(
        "%(count)s titel in de catalogus", "%(count)s titels in de catalogus", total
    ) % {"count": total}


def catalogue_section(*, site: Site, query: str, request: HttpRequest) -> SearchSection | None:
    # The page and the site's library profile in one statement.
    profiles = IntegrationSettings.objects.filter(site=site).values("catalogue_profile")[:1]
    page = (
        CatalogueSearchPage.objects.live()
        .descendant_of(site.root_page)
        .annotate(library_profile=Subquery(profiles))
        .first()
    )
    if page is None:
        return None
    text = clean_text(query)
    base_url = page.get_url(request) or ""
    section = SearchSection(
        kind="catalogus",
        heading=_("Catalogus"),
        total=0,
        count_text=_count_text(0),
        more_url=f"{base_url}?{urlencode({'q': text})}",
        more_text=_("Zoek in de catalogus"),
    )
    backend = backend_for(backend=page.backend, profile=page.library_profile or "")
    try:
        results = backend.search(SearchQuery(text=text, page_size=SECTION_ITEMS))
    except CatalogueUnavailable:
        logger.warning("Catalogue unavailable for the site search of %s", site.hostname)
        section.error = _("De catalogus is op dit moment niet bereikbaar.")
        return section
    if results.error:
        section.error = results.error
        return section
    record_base = base_url + page.reverse_subpage("record_view", args=["__id__"])
    section.total = results.total
    section.count_text = _count_text(results.total)
    section.suggestion = results.corrected_text
    section.items = [
        SearchItem(
            title=hit.title,
            url=record_base.replace("__id__", quote(hit.record_id, safe="")),
            meta=", ".join(
                part
                for part in (
                    hit.authors[0] if hit.authors else "",
                    str(hit.year or ""),
                    hit.material,
                )
                if part
            ),
        )
        for hit in results.hits[:SECTION_ITEMS]
    ]
    if results.total:
        query_text = results.corrected_text or text
        section.more_url = f"{base_url}?{urlencode({'q': query_text})}"
        section.more_text = ngettext(
            "De titel in de catalogus", "Alle %(count)s titels in de catalogus", results.total
        ) % {"count": results.total}
    return section
