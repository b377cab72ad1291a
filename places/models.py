"""Page types of the network as a whole: a map of every library and centre with today's hours,
and "in de buurt" (by postcode or the browser's position). Only the network site may hold
them (BasePage.site_kinds); its blueprint places them."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from home.models import SingletonIntroPage, SiteKind
from places import forms, selectors


class NetworkMapPage(SingletonIntroPage):
    site_kinds = (SiteKind.NETWORK,)

    class Meta:
        verbose_name = _("kaart van het netwerk")
        verbose_name_plural = _("kaarten van het netwerk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        places = selectors.network_places(now=timezone.now())
        context["places"] = places
        context["located"] = sum(1 for place in places if place.located)
        context["open_now"] = sum(1 for place in places if place.status.is_open)
        context["map_tiles"] = settings.MAP_TILE_URL
        context["map_attribution"] = settings.MAP_TILE_ATTRIBUTION
        return context


class NearbyPage(SingletonIntroPage):
    """The nearest places (open now, if asked) and the coming events around a postcode or the
    visitor's position. The position arrives as a GET query, rounded before use, and is
    neither stored nor logged."""

    cache_query_params = forms.PARAMS
    site_kinds = (SiteKind.NETWORK,)

    class Meta:
        verbose_name = _("in de buurt")
        verbose_name_plural = _("in de buurt")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        query = forms.nearby_query_from(request.GET)
        context["query"] = query
        context["nearest"] = []
        context["events"] = []
        if query.error or not query.asked:
            return context
        now = timezone.now()
        places = selectors.network_places(now=now)
        origin = query.position
        if origin is None:
            origin = selectors.postcode_centre(postcode=query.postcode, places=places)
        if origin is None:
            query.error = gettext_now(
                "We kennen de ligging van postcode %(postcode)s (%(municipality)s) nog niet: "
                "geen bibliotheek of centrum daar staat op de kaart. Probeer een postcode in "
                "de buurt, of deel je ligging."
            ) % {"postcode": query.postcode, "municipality": query.municipality}
            return context
        context["nearest"] = selectors.places_nearest(
            places=places, origin=origin, open_now=query.open_now
        )
        context["events"] = selectors.events_nearby(origin=origin, now=now, request=request)
        return context
