from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = "Site shell"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from . import signals
        from .client_address import check_trusted_proxies

        checks.register(check_trusted_proxies)

        signals.connect()
