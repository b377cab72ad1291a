"""Event factories: an EventPage published under a site's agenda, with its dates."""

import datetime as dt

import factory
from wagtail.models import Page

from events.models import EventDate, EventIndexPage, EventPage, OccurrenceChange
from tests.factories.pages import PageFactory


def agenda_of(home: Page) -> EventIndexPage:
    return EventIndexPage.objects.child_of(home).get()


def event_date(
    day: dt.date,
    start: str | None = "14:00",
    end: str | None = "16:00",
    **kwargs,
) -> EventDate:
    return EventDate(
        start_date=day,
        start_time=dt.time.fromisoformat(start) if start else None,
        end_time=dt.time.fromisoformat(end) if end else None,
        **kwargs,
    )


class EventPageFactory(PageFactory):
    """`dates=[event_date(...)]`, `changes=[OccurrenceChange(...)]`; published by default,
    which expands the occurrences."""

    title = factory.Sequence(lambda n: f"Activiteit {n}")
    slug = factory.Sequence(lambda n: f"activiteit-{n}")
    intro = "Een activiteit in de bib."
    place_name = "De bib"
    street = "Kerkstraat 1"
    postal_code = "9000"
    city = "Gent"

    class Meta:
        model = EventPage

    @classmethod
    def _create(cls, model_class, *args, dates=(), changes=(), **kwargs):
        kwargs["dates"] = list(dates)
        kwargs["changes"] = list(changes)
        return super()._create(model_class, *args, **kwargs)


__all__ = ["EventPageFactory", "OccurrenceChange", "agenda_of", "event_date"]
