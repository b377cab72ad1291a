from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Inschrijvingen")

    def ready(self) -> None:
        from wagtail.signals import page_published

        from registrations.signals import offer_after_publish

        page_published.connect(offer_after_publish, dispatch_uid="registrations_offer")
