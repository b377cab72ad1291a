"""The network agenda's filters: the site agenda's (date, type, theme, age) plus the site
filters (province, region, municipality, kind). Every field optional; an invalid value is
dropped with a Dutch message and the other filters still apply."""

import re
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
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

    # The options as rendered, when set (network.models: the labels with their counts): a
    # plain list of pairs, set without Django's normalisation of choices, which examined each
    # of the 1,100 options twice (the field's choices and the widget's) for every computation
    # of the counts.
    listed: list[tuple[str, str]] | None = None

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value[0] if isinstance(value, list) else value)
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) == chosen else ''}>{escape(str(label))}</option>"
            for option, label in (self.listed if self.listed is not None else self.choices)
        )
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        # Every value and label is escaped above; the attributes by flatatt.
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308


class _Normal(BaseChoiceIterator):
    """Choices already in Django's normal form (value and label pairs): a field and its widget
    take them as they are, where Django normalises a list twice (the field's choices and its
    widget's), walking each of the 1,100 options of every request's form."""

    def __init__(self, choices: list[tuple[str, Any]]) -> None:
        self.choices = choices

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)


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
                field.widget = ListSelect(attrs=field.widget.attrs, choices=_Normal(field.choices))
        everything = [("", _("Alle"))]
        labels = dict(SiteKind.choices)
        self.fields["soort"].choices = _Normal(
            everything + [(k, labels[k]) for k in EVENT_SITE_KINDS]
        )
        self.fields["gemeente"].choices = _Normal(everything + network.municipalities())
        if scoped:
            # A regional agenda: its own region and province, only the municipality varies.
            del self.fields["provincie"]
            del self.fields["regio"]
        else:
            self.fields["provincie"].choices = _Normal(everything + list(Province.choices))
            self.fields["regio"].choices = _Normal(
                everything
                + [
                    (region.slug, region.name)
                    for region in sorted(network.regions.values(), key=lambda region: region.name)
                ]
            )


NIS_CODE = re.compile(r"^\d{5}$")


class RegionMunicipalitiesForm(forms.Form):
    """The member municipalities of a region: chosen among those with a site of the region's
    member kinds, plus one more that has none yet (NIS code and name)."""

    gemeenten = forms.MultipleChoiceField(
        label=_("Gemeenten van de regio"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "De websites van deze gemeenten (bibliotheken voor een Regiobib, cultuur- en "
            "gemeenschapscentra voor een Regio cc) horen bij de regio."
        ),
    )
    nis_code = forms.CharField(
        label=_("Andere gemeente: NIS-code"),
        required=False,
        max_length=5,
        help_text=_("Een gemeente die hierboven niet staat, bijvoorbeeld 44021."),
    )
    gemeente = forms.CharField(label=_("Andere gemeente: naam"), required=False, max_length=100)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.names = dict(choices)
        self.fields["gemeenten"].choices = [(code, f"{name} ({code})") for code, name in choices]

    def clean(self):
        cleaned = super().clean()
        code = (cleaned.get("nis_code") or "").strip()
        name = (cleaned.get("gemeente") or "").strip()
        if code and not NIS_CODE.match(code):
            self.add_error("nis_code", _("Een NIS-code bestaat uit 5 cijfers."))
        elif code and not name and code not in self.names:
            self.add_error("gemeente", _("Geef de naam van de gemeente."))
        elif name and not code:
            self.add_error("nis_code", _("Geef de NIS-code van de gemeente."))
        if not self.errors and not cleaned.get("gemeenten") and not code:
            raise forms.ValidationError(_("Een regio heeft minstens één gemeente."))
        return cleaned

    def municipalities(self) -> dict[str, str]:
        """NIS code -> name of every chosen municipality."""
        chosen = {code: self.names[code] for code in self.cleaned_data["gemeenten"]}
        code = self.cleaned_data.get("nis_code", "").strip()
        if code:
            chosen[code] = self.cleaned_data.get("gemeente", "").strip() or self.names[code]
        return chosen
