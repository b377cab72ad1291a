from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MakerspaceConfig(AppConfig):
    name = "makerspace"
    verbose_name = _("Makerspace")
