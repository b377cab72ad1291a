from django.apps import AppConfig


class CentralConfig(AppConfig):
    name = "central"
    verbose_name = "Centrale inhoud"
    default_auto_field = "django.db.models.BigAutoField"
