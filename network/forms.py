"""The network agenda's filters: the site agenda's (date, type, theme, age) plus the site
filters (province, region, municipality, kind). Every field optional; an invalid value is
dropped with a Dutch message and the other filters still apply."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from events.forms import FILTER_FIELDS, AgendaFilterForm
from home.models.tenancy import Province, SiteKind
from network.selectors import EVENT_SITE_KINDS, NetworkMap

SITE_FILTER_FIELDS = ("provincie", "regio", "gemeente", "soort")
NETWORK_FILTER_FIELDS = (
    *(name for name in FILTER_FIELDS if name != "locatie"),
    *SITE_FILTER_FIELDS,
)


class ListSelect(forms.Select):
    """A select rendered in one pass: the network's lists run to hundreds of options (every
    municipality), and Django's template per option costs more than the agenda's queries."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value[0] if isinstance(value, list) else value)
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) == chosen else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # Every value and label is escaped above; the attributes by flatatt.
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308


class NetworkAgendaFilterForm(AgendaFilterForm):
    provincie = forms.ChoiceField(label=_("Provincie"), required=False)
    regio = forms.ChoiceField(label=_("Regio"), required=False)
    gemeente = forms.ChoiceField(label=_("Gemeente"), required=False)
    soort = forms.ChoiceField(label=_("Bibliotheek of centrum"), required=False)

    def __init__(self, *args, network: NetworkMap, scoped: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["locatie"]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.widget = ListSelect(attrs=field.widget.attrs, choices=field.choices)
        everything = [("", _("Alle"))]
        labels = dict(SiteKind.choices)
        self.fields["soort"].choices = everything + [(k, labels[k]) for k in EVENT_SITE_KINDS]
        self.fields["gemeente"].choices = everything + network.municipalities()
        if scoped:
            # A regional agenda: its own region and province, only the municipality varies.
            del self.fields["provincie"]
            del self.fields["regio"]
        else:
            self.fields["provincie"].choices = everything + list(Province.choices)
            self.fields["regio"].choices = everything + [
                (region.slug, region.name)
                for region in sorted(network.regions.values(), key=lambda region: region.name)
            ]
