from django.apps import AppConfig


class SitegenConfig(AppConfig):
    name = "sitegen"
    verbose_name = "Websites genereren"
    default_auto_field = "django.db.models.BigAutoField"
