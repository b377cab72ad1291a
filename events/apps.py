from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Agenda")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from events import signals
        from events.blocks import UpcomingEventsBlock
        from home.blocks import content_blocks

        content_blocks.register("upcoming_events", UpcomingEventsBlock(), order=20)

        from events.models import EventPage
        from events.search_provider import events_section
        from home.search import search_sections

        search_sections.register("activiteiten", events_section, order=20, page_models=[EventPage])

        page_published.connect(signals.event_published, dispatch_uid="events_event_published")
        page_unpublished.connect(signals.event_unpublished, dispatch_uid="events_event_unpublished")

        from events import views
        from events.models import EventIndexPage
        from events.selectors import event_detail_context
        from home.wiring import provide

        provide(EventIndexPage, agenda_view=views.agenda, agenda_feed_view=views.agenda_feed)
        provide(EventPage, context_builder=event_detail_context, ical_view=views.event_ical)

        from pagecache import registry

        registry.register_lister(signals.event_listed_on)
