"""Admin panels of the agenda."""

from wagtail.admin.panels import InlinePanel

from events.forms import EventDateForm


class EventDatesPanel(InlinePanel):
    """The "Wanneer" rows, with the recurrence editor instead of a raw RRULE field.

    Wagtail builds an inline panel's child form from the model; its `form` option (honoured by
    django-modelcluster) is the one way to give the child form a declared field of its own.
    """

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        base = formset.get("form")
        if base is None:
            formset["form"] = EventDateForm
        else:
            formset["form"] = type("EventDateForm", (EventDateForm, base), {})
        return options
