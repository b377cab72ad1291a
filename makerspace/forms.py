"""Forms of the makerspace pages: the filters of the course listing."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from makerspace.models import Audience, Machine

MONTHS_AHEAD = 12


def _month_choices(today: dt.date) -> list[tuple[str, str]]:
    choices = []
    year, month = today.year, today.month
    for _i in range(MONTHS_AHEAD):
        choices.append((f"{year:04d}-{month:02d}", f"{MONTHS[month]} {year}"))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return choices


class CourseFilterForm(forms.Form):
    machine = forms.ChoiceField(label=_("Machine"), required=False)
    doelgroep = forms.ChoiceField(
        label=_("Doelgroep"),
        required=False,
        choices=[("", _("Alle doelgroepen")), *Audience.choices],
    )
    maand = forms.ChoiceField(label=_("Maand"), required=False)

    def __init__(self, *args, machines: list[Machine], today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["machine"].choices = [
            ("", _("Alle machines")),
            *((m.slug, m.name) for m in machines),
        ]
        self.fields["maand"].choices = [("", _("Alle maanden")), *_month_choices(today)]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _(
                "Deze keuze bestaat niet. Kies een waarde uit de lijst."
            )
