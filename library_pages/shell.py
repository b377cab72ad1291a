"""What library_pages contributes to home's page shell and home page (registered in
LibraryPagesConfig.ready()): the site's locations with today's hours and opening status, and
the latest news on the home page."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site

from home.contributions import Contribution
from home.generations import bump_site_generations
from library_pages.models import LocationPage
from library_pages.opening_hours import BRUSSELS, LocationToday, location_today
from library_pages.selectors import locations_for_site, news_latest


def _next_change(entries: list[LocationToday], now: dt.datetime) -> dt.datetime:
    """The next moment a location's status or today's hours change: an opening, a closing, a
    switch between staffed and unstaffed, or midnight in Brussels (a new day's hours)."""
    local = now.astimezone(BRUSSELS)
    midnight = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), BRUSSELS)
    moments = [midnight]
    for entry in entries:
        status = entry.status
        moments.extend(
            moment
            for moment in (status.opens_at, status.closes_at, status.changes_at)
            if moment is not None and moment > now
        )
    return min(moments)


def locations_contribution(*, site: Site, now: dt.datetime) -> Contribution:
    entries = [
        location_today(location=location, now=now)
        for location in locations_for_site(root=site.root_page)
    ]
    return Contribution(values={"locations_today": entries}, valid_until=_next_change(entries, now))


def latest_news_context(*, page: Page, request: HttpRequest) -> dict[str, Any]:
    # Read when the template shows it: a home page whose main content comes from the cache
    # (home.fragments; a news publish or unpublish purges the home page) reads no news.
    return {"latest_news": SimpleLazyObject(lambda: news_latest(root=page, limit=3))}


def location_changed(sender, instance, **kwargs) -> None:
    """A location was published, withdrawn, moved or deleted: its site's shell changes."""
    if isinstance(instance, LocationPage):
        site = instance.get_site()
        if site is not None:
            bump_site_generations([site.pk])
