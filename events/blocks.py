"""The "Binnenkort" block: the next events of the site's agenda, optionally filtered.

Registered in home's ContentStreamBlock by EventsConfig.ready(); no model imports at module
level, so that the module can be imported before the app registry is ready.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from events import taxonomy


def _choices(terms: dict[str, str]):
    return [("", _("Alle")), *taxonomy.choices(terms)]


class UpcomingEventsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=120, default="Binnenkort")
    count = blocks.IntegerBlock(label=_("Aantal"), min_value=1, max_value=12, default=3)
    event_type = blocks.ChoiceBlock(
        label=_("Soort"), choices=_choices(taxonomy.EVENT_TYPES), required=False
    )
    theme = blocks.ChoiceBlock(label=_("Thema"), choices=_choices(taxonomy.THEMES), required=False)
    age_group = blocks.ChoiceBlock(
        label=_("Voor wie"),
        choices=[("", _("Iedereen"))]
        + [(group.slug, group.label) for group in taxonomy.AGE_GROUPS.values()],
        required=False,
    )

    class Meta:
        icon = "date"
        label = _("Binnenkort in de agenda")
        template = "events/blocks/upcoming_events.html"
        preview_value = {"title": "Binnenkort", "count": 3}
        description = _("De eerstvolgende activiteiten uit de agenda van deze website")

    def get_context(self, value, parent_context=None):
        from wagtail.models import Site

        from events.selectors import upcoming_events
        from events.services import agenda_for_site

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        site = Site.find_for_request(request) if request is not None else None
        agenda = agenda_for_site(site=site) if site is not None else None
        filters = {
            key: value.get(name)
            for key, name in (
                ("type", "event_type"),
                ("thema", "theme"),
                ("leeftijdsgroep", "age_group"),
            )
            if value.get(name)
        }
        context["agenda_page"] = agenda
        context["items"] = (
            upcoming_events(index=agenda, filters=filters, limit=value.get("count") or 3)
            if agenda is not None
            else []
        )
        return context
