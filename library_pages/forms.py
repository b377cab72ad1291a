"""Admin forms for library pages."""

from types import SimpleNamespace

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from library_pages.opening_hours import MESSAGE_EQUAL_TIMES, exception_validate, spans_validate

SPAN_FIELDS = ("service_point", "weekday", "opens", "closes", "unstaffed")
EXCEPTION_FIELDS = ("start_date", "end_date", "closed", "opens", "closes", "reason")


class LocationPageForm(WagtailAdminPageForm):
    """Checks the opening-hours rows together, which no single row form can do."""

    def clean(self):
        cleaned_data = super().clean()
        self._weekly_hours_clean()
        self._exceptional_hours_clean()
        return cleaned_data

    def _weekly_hours_clean(self) -> None:
        rows = self._rows(name="weekly_hours", required=("weekday", "opens", "closes"))
        spans = [
            SimpleNamespace(**{key: row.cleaned_data.get(key) for key in SPAN_FIELDS})
            for row in rows
        ]
        for index, messages in spans_validate(spans=spans).items():
            for message in messages:
                # Equal times are the closing field's fault; an overlap belongs to the whole row.
                field = "closes" if message == str(MESSAGE_EQUAL_TIMES) else None
                rows[index].add_error(field, message)

    def _exceptional_hours_clean(self) -> None:
        for row in self._rows(name="exceptional_hours", required=("start_date",)):
            exception = SimpleNamespace(
                **{key: row.cleaned_data.get(key) for key in EXCEPTION_FIELDS}
            )
            for field, messages in exception_validate(exception=exception).items():
                if field in row.errors:
                    # A time the field itself rejected reads as missing here: say it only once.
                    continue
                for message in messages:
                    row.add_error(field, message)

    def _rows(self, *, name: str, required: tuple[str, ...]) -> list[forms.Form]:
        """The row forms that will be saved and whose own fields are valid enough to check."""
        formset = self.formsets.get(name)
        if formset is None:
            return []
        # ClusterForm cleans this form before its formsets; clean the rows now so their
        # cleaned_data exists. The result is cached, so the later validation does not repeat it.
        formset.is_valid()
        return [
            row
            for row in formset.forms
            if getattr(row, "cleaned_data", None)
            and not row.cleaned_data.get("DELETE")
            and all(row.cleaned_data.get(key) is not None for key in required)
        ]
