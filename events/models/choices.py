"""Choices and the weekday field shared by the agenda's pages and date rows."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventStatus(models.TextChoices):
    SCHEDULED = "gepland", _("Gepland")
    CANCELLED = "geannuleerd", _("Geannuleerd")
    POSTPONED = "uitgesteld", _("Uitgesteld")
    SOLD_OUT = "volzet", _("Volzet")
    MOVED = "verplaatst", _("Verplaatst")


class BookingAvailability(models.TextChoices):
    AVAILABLE = "beschikbaar", _("Plaatsen beschikbaar")
    UNAVAILABLE = "niet-beschikbaar", _("Geen plaatsen meer")


class AttendanceMode(models.TextChoices):
    OFFLINE = "offline", _("Ter plaatse")
    ONLINE = "online", _("Online")
    MIXED = "mixed", _("Ter plaatse en online")


class Repeat(models.TextChoices):
    ONCE = "eenmalig", _("Eén datum of één doorlopende periode")
    WEEKLY = "wekelijks", _("Periode met vaste uren per week")
    RULE = "regel", _("Herhalingsregel")


WEEKDAY_CHOICES = [
    ("0", _("maandag")),
    ("1", _("dinsdag")),
    ("2", _("woensdag")),
    ("3", _("donderdag")),
    ("4", _("vrijdag")),
    ("5", _("zaterdag")),
    ("6", _("zondag")),
]


class WeekdaysFormField(forms.TypedMultipleChoiceField):
    """Checkboxes in the admin, stored as "0,2" (Monday is 0)."""

    def prepare_value(self, value):
        if isinstance(value, str):
            return [item for item in value.split(",") if item]
        return value

    def clean(self, value):
        return ",".join(sorted(set(super().clean(value))))

    def has_changed(self, initial, data):
        # The stored "0,2" against the posted ["0", "2"]: compare the days, not the shapes,
        # so an untouched weekly row (an imported one too) is not a change.
        return set(self.prepare_value(initial) or []) != set(self.prepare_value(data) or [])


class WeekdaysField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 13)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return WeekdaysFormField(
            choices=WEEKDAY_CHOICES,
            required=False,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


# Fields that an import from UiTdatabank owns: read-only in the admin for imported events.
# Here (not with the pages) so that events.forms reads it without importing the models.
IMPORTED_FIELDS = (
    "title",
    "intro",
    "description",
    "image_url",
    "event_type",
    "theme",
    "facilities",
    "age_min",
    "age_max",
    "is_free",
    "price_info",
    "booking_url",
    "booking_email",
    "booking_phone",
    "booking_info",
    "organizer_name",
    "organizer_url",
    "place_name",
    "street",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "status",
    "status_reason",
)
