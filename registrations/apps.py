from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Inschrijvingen")

    def ready(self) -> None:
        from wagtail.signals import page_published

        from home.wiring import provide
        from registrations import views
        from registrations.models import OfferPageViews
        from registrations.signals import offer_after_publish

        provide(
            OfferPageViews,
            register=views.registration_register,
            cancel=views.registration_cancel,
            registration_box=views.registration_box,
        )

        page_published.connect(offer_after_publish, dispatch_uid="registrations_offer")

        from pagecache import registry
        from pagecache.registry import PurgeTargets
        from registrations.models import Registration

        # The registration box on the offer's page shows the places left.
        registry.register_model(
            Registration,
            targets=lambda registration: PurgeTargets(pages=[registration.page]),
            references=False,
            previous=False,
        )
