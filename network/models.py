"""The network's page types: an agenda over many sites' events and a search over every site's
pages. Both hold no content of other sites: they read it when a visitor asks."""

from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from home.models import SingletonIntroPage, SiteKind
from home.search import visitor_query
from network.forms import NETWORK_FILTER_FIELDS, NetworkAgendaFilterForm
from network.fragments import cards_render, filter_fields_html
from network.rows import NetworkOccurrence  # noqa: F401 - the app's model
from network.selectors import (
    SEARCH_PER_PAGE,
    NetworkMap,
    network_agenda_page,
    network_map,
    network_pages_search,
    network_search,
    scope_site_ids,
    search_hits_label,
    search_pages_load,
)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("pagina", "1")))
    except ValueError:
        return 1


def _site_id_of(*, page: Page, network: NetworkMap) -> int | None:
    """The page's site from the network map (no query; Wagtail's get_site walks every site)."""
    entry = network.site_for_path(page.path)
    if entry is not None:
        return entry.site_id
    site = page.get_site()
    return site.pk if site is not None else None


def _choices_count(*, form: NetworkAgendaFilterForm, facets: dict) -> None:
    """Each filter value with its number of events, "Limburg (1.204)"."""
    # The language's thousands separator, found once (hundreds of options follow).
    separator = number_format(1000, force_grouping=True)[1:-3]
    for name, values in facets.items():
        field = form.fields.get(name)
        if field is None:
            continue
        # Only the widget shows them (ListSelect.listed); the field validated the values.
        field.widget.listed = [
            field.choices[0],
            *(
                (value.value, f"{value.label} ({f'{value.count:,}'.replace(',', separator)})")
                for value in values
            ),
        ]


class NetworkAgendaPage(SingletonIntroPage):
    """On the network site: the events of every library and centre. On a regional site: the
    events of the region's member sites. Each event links to its page on its own site."""

    cache_query_params = (*NETWORK_FILTER_FIELDS, "pagina")
    site_kinds = (SiteKind.NETWORK, SiteKind.REGIONAL_LIBRARY, SiteKind.REGIONAL_CULTURE)

    class Meta:
        verbose_name = _("agenda van het netwerk of de regio")
        verbose_name_plural = _("agenda's van het netwerk of de regio")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        network = network_map()
        site_id = _site_id_of(page=self, network=network)
        scoped = scope_site_ids(network=network, site_id=site_id) is not None
        form = NetworkAgendaFilterForm(request.GET or None, network=network, scoped=scoped)
        filters = form.valid_filters() if request.GET else {}
        result = network_agenda_page(
            filters=filters, site_id=site_id, page_number=_page_number(request), network=network
        )
        fields_html = filter_fields_html(
            form=form,
            counts_key=result.counts_key,
            add_counts=lambda: _choices_count(form=form, facets=result.facets),
        )
        cards_render(items=result.items, request=request, map_generation=network.generation)
        context.update(
            filter_form=form,
            filter_fields_html=fields_html,
            filters_active=bool(filters),
            agenda=result,
            facets=result.facets,
            extra_query=urlencode(
                [(name, value) for name, value in request.GET.items() if name in filters]
            ),
        )
        return context


class NetworkSearchPage(SingletonIntroPage):
    """A search over the live, public pages of every site (of the region's member sites on a
    regional site), each result labelled with its site."""

    cache_query_params = ("q", "pagina")
    site_kinds = (SiteKind.NETWORK,)

    class Meta:
        verbose_name = _("zoeken in het netwerk")
        verbose_name_plural = _("zoeken in het netwerk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        query = visitor_query(request.GET.get("q", ""))
        results = hits = None
        more = False
        if query:
            network = network_map()
            own_site_id = _site_id_of(page=self, network=network)
            site_ids = scope_site_ids(network=network, site_id=own_site_id)
            found = network_search(query=query, site_ids=site_ids)
            if found is not None:
                # Wagtail's own index read directly (PostgreSQL): ids best first.
                paginator = Paginator(found.ids, SEARCH_PER_PAGE)
                more = found.more
            else:
                paginator = Paginator(
                    network_pages_search(query=query, site_ids=site_ids), SEARCH_PER_PAGE
                )
            try:
                results = paginator.page(_page_number(request))
            except EmptyPage:
                results = paginator.page(paginator.num_pages)
            pages = list(results.object_list)
            if found is not None:
                pages = search_pages_load(ids=pages, content_types=found.content_types)
            hits = search_hits_label(pages=pages, current_site_id=own_site_id)
        context.update(
            search_query=query,
            results=results,
            hits=hits,
            more_results=more,
            extra_query=urlencode({"q": query}),
        )
        return context
