from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    """Read-only JSON-LD feeds of locations, events and news, per site and for the network
    (floor 3: it reads home, library_pages and events)."""

    name = "opendata"
    verbose_name = _("Open data")
    default_auto_field = "django.db.models.BigAutoField"
