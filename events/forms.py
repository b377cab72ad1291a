"""Forms: the admin form of an event page and the visitor's agenda filter."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from events import taxonomy
from events.recurrence import (
    MAX_INTERVAL,
    MONTH_POSITIONS,
    RecurrenceError,
    RuleKind,
    RuleParts,
    position_label,
    rule_compose,
    rule_decompose,
    rule_describe,
    rule_validate,
)

MAX_QUERY_LENGTH = 100
PRICE_LINE = re.compile(
    r"^\s*(?P<name>[^:]{1,80}?)\s*:\s*(?:€\s*)?(?P<price>\d+(?:[.,]\d{1,2})?)\s*$"
)


def price_lines_parse(text: str) -> list[dict]:
    """ "Basistarief: 8" per line to [{"name": "Basistarief", "price": 8.0}]."""
    prices = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = PRICE_LINE.match(line)
        if match is None:
            raise forms.ValidationError(
                _("Regel %(number)s: schrijf ‘naam: prijs’, bv. ‘Basistarief: 8,50’."),
                params={"number": number},
            )
        try:
            price = Decimal(match["price"].replace(",", "."))
        except InvalidOperation as error:  # pragma: no cover - the regex allows digits only
            raise forms.ValidationError(_("Ongeldige prijs.")) from error
        prices.append({"name": match["name"], "price": float(price)})
    return prices


def price_lines_format(prices: list[dict]) -> str:
    lines = []
    for item in prices or []:
        price = f"{item.get('price', 0):.2f}".replace(".", ",")
        lines.append(f"{item.get('name', '')}: {price}")
    return "\n".join(lines)


# --- The recurrence editor ---------------------------------------------------------------

RULE_KIND_CHOICES = [
    ("", _("Kies hoe het zich herhaalt")),
    (RuleKind.DAILY, _("Elke dag")),
    (RuleKind.WEEKLY, _("Elke week, op vaste dagen")),
    (RuleKind.MONTHLY, _("Elke maand, bv. de eerste zaterdag")),
    (RuleKind.CUSTOM, _("Eigen herhalingsregel (iCalendar)")),
]
_DAY_NAMES = (
    _("maandag"),
    _("dinsdag"),
    _("woensdag"),
    _("donderdag"),
    _("vrijdag"),
    _("zaterdag"),
    _("zondag"),
)
DAY_CHOICES = [(str(day), name) for day, name in enumerate(_DAY_NAMES)]
POSITION_CHOICES = [("", "—")] + [
    (str(position), _("de %(position)s") % {"position": position_label(position)})
    for position in MONTH_POSITIONS
]
MONTH_DAY_CHOICES = [("", "—"), *DAY_CHOICES]
# The order of the editor's parts; the empty suffix keeps the raw rule posted as "<prefix>-rule".
RULE_PARTS = ("soort", "interval", "dagen", "behalve", "positie", "weekdag", "")


class RecurrenceWidget(forms.MultiWidget):
    """The rule as a few choices in Dutch; only the parts of the chosen kind are shown
    (static/events/js/recurrence.js); without JavaScript every part shows, labelled."""

    template_name = "events/widgets/recurrence.html"

    def __init__(self, attrs=None):
        widgets = {
            "soort": forms.Select(choices=RULE_KIND_CHOICES),
            "interval": forms.NumberInput(attrs={"min": 1, "max": MAX_INTERVAL, "size": 3}),
            "dagen": forms.CheckboxSelectMultiple(choices=DAY_CHOICES),
            "behalve": forms.CheckboxSelectMultiple(choices=DAY_CHOICES),
            "positie": forms.Select(choices=POSITION_CHOICES),
            "weekdag": forms.Select(choices=MONTH_DAY_CHOICES),
            "": forms.TextInput(attrs={"placeholder": "FREQ=WEEKLY;BYDAY=WE"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        parts = rule_decompose(rule=value or "")
        return [
            parts.kind,
            parts.interval,
            [str(day) for day in parts.weekdays],
            [str(day) for day in parts.except_weekdays],
            "" if parts.position is None else str(parts.position),
            "" if parts.month_weekday is None else str(parts.month_weekday),
            parts.raw,
        ]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = context["widget"]["subwidgets"]
        names = [part or "regel" for part in RULE_PARTS]
        context["parts"] = dict(zip(names, subwidgets, strict=True))
        rule = value if isinstance(value, str) else ""
        context["summary"] = rule_describe(rule=rule) if rule else ""
        return context


class RecurrenceField(forms.MultiValueField):
    """Composes the RRULE from the editor's parts; Dutch errors for an incomplete choice."""

    widget = RecurrenceWidget

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        fields = (
            forms.ChoiceField(choices=RULE_KIND_CHOICES, required=False),
            forms.IntegerField(
                min_value=1,
                max_value=MAX_INTERVAL,
                required=False,
                error_messages={
                    "invalid": _("Geef een getal."),
                    "min_value": _("Kies een tussenafstand van 1 tot %(limit_value)s."),
                    "max_value": _("Kies een tussenafstand van 1 tot %(limit_value)s."),
                },
            ),
            forms.MultipleChoiceField(choices=DAY_CHOICES, required=False),
            forms.MultipleChoiceField(choices=DAY_CHOICES, required=False),
            forms.ChoiceField(choices=POSITION_CHOICES, required=False),
            forms.ChoiceField(choices=MONTH_DAY_CHOICES, required=False),
            forms.CharField(max_length=200, required=False),
        )
        kwargs.setdefault("error_messages", {"invalid_choice": _("Kies een van de mogelijkheden.")})
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        if not data_list:
            return ""
        kind, interval, weekdays, except_weekdays, position, month_weekday, raw = data_list
        parts = RuleParts(
            kind=kind or "",
            interval=interval or 1,
            weekdays=tuple(int(day) for day in weekdays or ()),
            except_weekdays=tuple(int(day) for day in except_weekdays or ()),
            position=int(position) if position else None,
            month_weekday=int(month_weekday) if month_weekday else None,
            raw=raw or "",
        )
        try:
            rule = rule_compose(parts=parts)
            if rule:
                rule_validate(rule=rule)
        except RecurrenceError as error:
            raise forms.ValidationError(str(error)) from error
        return rule


class EventDateForm(WagtailAdminModelForm):
    """One "Wanneer" row: the rule through the recurrence editor."""

    rule = RecurrenceField(
        label=_("Herhaling"),
        help_text=_(
            "Bv. elke eerste zaterdag van de maand, elke week op dinsdag en donderdag, of "
            "elke dag behalve maandag. De begin- en einddatum hierboven bepalen van wanneer "
            "tot wanneer; ‘Behalve op’ hieronder sluit losse datums uit."
        ),
    )

    def clean(self):
        from events.models.choices import Repeat

        cleaned_data = super().clean()
        # The rule only counts for a repeating row: a half-filled editor on a one-off date
        # (visible without JavaScript) is no reason to refuse the page.
        if cleaned_data.get("repeat") != Repeat.RULE:
            self._errors.pop("rule", None)
            cleaned_data["rule"] = ""
        return cleaned_data


class EventPageForm(WagtailAdminPageForm):
    """Imported fields are read-only; dates of imported events cannot be changed by hand."""

    facilities = forms.MultipleChoiceField(
        label=_("Toegankelijkheid"),
        choices=taxonomy.choices(taxonomy.FACILITIES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    price_info = forms.CharField(
        label=_("Prijzen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Eén prijscategorie per regel, bv. ‘Basistarief: 8,50’. Leeg als gratis."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from events.models.choices import IMPORTED_FIELDS

        self.initial["price_info"] = price_lines_format(self.instance.price_info)
        if self.instance.pk and self.instance.uitdatabank_id:
            for name in IMPORTED_FIELDS:
                if name in self.fields:
                    field = self.fields[name]
                    field.disabled = True
                    field.help_text = _("Beheerd door UiTdatabank: wijzig dit daar.")
            # An imported id we do not list yet stays a valid choice, with the document's label.
            for name, label in (
                ("event_type", self.instance.event_type_name),
                ("theme", self.instance.theme_name),
            ):
                value = getattr(self.instance, name)
                field = self.fields.get(name)
                if field is not None and value and value not in dict(field.choices):
                    field.choices = [*field.choices, (value, label or value)]
        # Django's empty choice is "---------": an editor reads "Kies ..." instead.
        for name, empty in (("event_type", _("Kies een soort")), ("theme", _("Kies een thema"))):
            field = self.fields.get(name)
            choices = list(getattr(field, "choices", ()))
            if choices and choices[0][0] == "":
                field.choices = [("", empty), *choices[1:]]

    def clean_price_info(self):
        if self.fields["price_info"].disabled:
            return self.instance.price_info
        value = self.cleaned_data.get("price_info")
        if isinstance(value, list):
            return value
        return price_lines_parse(value or "")

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and self.instance.uitdatabank_id:
            for name in ("dates",):
                formset = self.formsets.get(name)
                if formset is not None and formset.has_changed():
                    raise forms.ValidationError(
                        _(
                            "De datums van deze activiteit komen uit UiTdatabank en worden "
                            "bij elke import bijgewerkt. Annuleer of verplaats één datum "
                            "met een wijziging."
                        )
                    )
        for row in self._rows("dates"):
            self._date_row_clean(row)
        if self._publishing() and not self.instance.uitdatabank_id:
            self._publish_requirements_clean(cleaned_data)
        age_min, age_max = cleaned_data.get("age_min"), cleaned_data.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error("age_max", _("De maximumleeftijd ligt onder de minimumleeftijd."))
        return cleaned_data

    def _publishing(self) -> bool:
        # Publishing directly or submitting to the moderator who publishes it.
        return any(action in self.data for action in ("action-publish", "action-submit"))

    def _publish_requirements_clean(self, cleaned_data: dict) -> None:
        """A published event says where and when: a location of the website or an address
        (street and municipality), and at least one date row."""
        has_address = cleaned_data.get("street") and cleaned_data.get("city")
        if not cleaned_data.get("location_page") and not has_address:
            self.add_error(
                "location_page",
                _(
                    "Waar gaat het door? Kies een locatie van de website of vul hieronder "
                    "straat en gemeente in voor je publiceert."
                ),
            )
        formset = self.formsets.get("dates")
        rows = []
        if formset is not None:
            rows = [
                form
                for form in formset.forms
                if form.is_valid()
                and not form.cleaned_data.get("DELETE")
                and form.cleaned_data.get("start_date")
            ]
        if not rows:
            self.add_error(
                None, _("Wanneer gaat het door? Geef minstens één datum voor je publiceert.")
            )

    def _rows(self, name: str) -> list:
        formset = self.formsets.get(name)
        if formset is None:
            return []
        return [
            form
            for form in formset.forms
            if form.is_valid() and not form.cleaned_data.get("DELETE") and form.has_changed()
        ]

    @staticmethod
    def _date_row_clean(row) -> None:
        from events.models.choices import Repeat
        from events.recurrence import excluded_dates_parse

        data = row.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            row.add_error("end_date", _("De einddatum ligt voor de begindatum."))
        repeat = data.get("repeat")
        if repeat == Repeat.WEEKLY:
            if not data.get("weekdays"):
                row.add_error("weekdays", _("Kies minstens één dag."))
            if not end:
                row.add_error("end_date", _("Een periode heeft een einddatum."))
            if not data.get("start_time") or not data.get("end_time"):
                row.add_error("start_time", _("Geef het begin- en einduur."))
        if repeat == Repeat.RULE and not data.get("rule"):
            row.add_error("rule", _("Kies hoe de activiteit zich herhaalt."))
        elif repeat == Repeat.RULE:
            try:
                rule_validate(rule=data.get("rule") or "")
            except RecurrenceError as error:
                row.add_error("rule", str(error))
        try:
            excluded_dates_parse(text=data.get("excluded_dates") or "")
        except RecurrenceError as error:
            row.add_error("excluded_dates", str(error))


# --- Visitor-facing agenda filter ----------------------------------------------------------


WHEN_CHOICES = [
    ("", _("Altijd")),
    ("vandaag", _("Vandaag")),
    ("weekend", _("Dit weekend")),
    ("week", _("Deze week")),
    ("maand", _("Deze maand")),
]


# The agenda's filter parameters (AgendaFilterForm's fields), read by the agenda view and its
# feeds and kept by the page cache (EventIndexPage.cache_query_params).
FILTER_FIELDS = (
    "q",
    "wanneer",
    "van",
    "tot",
    "type",
    "thema",
    "leeftijdsgroep",
    "leeftijd",
    "locatie",
    "gratis",
)


class QuickSelect(forms.Select):
    """Django's select, rendered in Python instead of one template render per option: the
    agenda's filters have about 150 options, which took most of the form's rendering time.
    Same HTML as the stock widget."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts.append(
                    format_html(
                        '\n  <option value="{}"{}>{}</option>\n',
                        str(option["value"]),
                        flatatt(option["attrs"]),
                        option["label"],
                    )
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every part escaped by format_html


class AgendaFilterForm(forms.Form):
    """Every field optional; an invalid field is dropped, the others still filter."""

    q = forms.CharField(label=_("Zoeken"), required=False, max_length=MAX_QUERY_LENGTH)
    wanneer = forms.ChoiceField(
        label=_("Wanneer"), choices=WHEN_CHOICES, required=False, widget=QuickSelect
    )
    van = forms.DateField(
        label=_("Van"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    type = forms.ChoiceField(label=_("Soort"), required=False, widget=QuickSelect)
    thema = forms.ChoiceField(label=_("Thema"), required=False, widget=QuickSelect)
    leeftijdsgroep = forms.ChoiceField(label=_("Voor wie"), required=False, widget=QuickSelect)
    leeftijd = forms.IntegerField(label=_("Leeftijd"), required=False, min_value=0, max_value=120)
    locatie = forms.ChoiceField(label=_("Locatie"), required=False, widget=QuickSelect)
    gratis = forms.BooleanField(label=_("Alleen gratis"), required=False)

    def __init__(self, *args, locations: list[tuple[str, str]] = (), **kwargs):
        # Dutch labels take no colon (the catalogue and the other visitor forms have none).
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        self.fields["type"].choices = everything + taxonomy.choices(taxonomy.EVENT_TYPES)
        self.fields["thema"].choices = everything + taxonomy.choices(taxonomy.THEMES)
        self.fields["leeftijdsgroep"].choices = everything + [
            (group.slug, group.label) for group in taxonomy.AGE_GROUPS.values()
        ]
        self.fields["locatie"].choices = everything + list(locations)

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("van"), cleaned_data.get("tot")
        if start and end and end < start:
            self.add_error("tot", _("De einddatum ligt voor de begindatum."))
        for name in ("van", "tot"):
            value = cleaned_data.get(name)
            if value and not (dt.date(2000, 1, 1) <= value <= dt.date(2100, 12, 31)):
                self.add_error(name, _("Kies een datum tussen 2000 en 2100."))
        return cleaned_data

    def valid_filters(self) -> dict:
        """The values of the fields that validated, empty ones left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: value
            for name, value in data.items()
            if name not in self.errors and value not in (None, "", False)
        }
