from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from jobs.registry import Schedule, schedule_get, schedules_all


class JobStartForm(forms.Form):
    """Start one declared job now, for every site or (where the job has a site task) one."""

    job = forms.ChoiceField(label=_("Taak"))
    site = forms.ModelChoiceField(
        label=_("Website"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("Alle websites"),
        help_text=_("Alleen voor taken die per website kunnen lopen, zoals de UiTdatabank-import."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["job"].choices = [(s.name, s.label) for s in schedules_all()]
        self.fields["site"].queryset = Site.objects.order_by("site_name", "hostname")

    def clean(self) -> dict:
        cleaned = super().clean()
        schedule = schedule_get(cleaned.get("job") or "")
        if schedule is None:
            return cleaned
        if cleaned.get("site") is not None and schedule.site_task is None:
            self.add_error("site", _("Deze taak kan niet voor één website gestart worden."))
        cleaned["schedule"] = schedule
        return cleaned

    @property
    def schedule(self) -> Schedule:
        return self.cleaned_data["schedule"]
