from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UitpublishConfig(AppConfig):
    """Local events published to UiTdatabank through its Entry API (floor 3, beside events)."""

    name = "uitpublish"
    verbose_name = _("Publiceren in UiTdatabank")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published

        from events import uitdatabank
        from registrations.models import Registration
        from uitpublish import selectors, signals

        page_published.connect(signals.event_published, dispatch_uid="uitpublish_event_published")
        post_save.connect(
            signals.registration_changed,
            sender=Registration,
            dispatch_uid="uitpublish_registration_saved",
        )
        post_delete.connect(
            signals.registration_changed,
            sender=Registration,
            dispatch_uid="uitpublish_registration_deleted",
        )
        # The import skips documents that are our own local events coming back.
        if selectors.local_document_ids not in uitdatabank.LOCAL_DOCUMENT_LOOKUPS:
            uitdatabank.LOCAL_DOCUMENT_LOOKUPS.append(selectors.local_document_ids)
