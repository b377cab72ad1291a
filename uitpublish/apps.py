from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UitpublishConfig(AppConfig):
    """Local events published to UiTdatabank through its Entry API (floor 3, beside events)."""

    name = "uitpublish"
    verbose_name = _("Publiceren in UiTdatabank")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save, pre_delete
        from wagtail.signals import page_published, page_unpublished

        from events import uitdatabank
        from events.models import EventPage
        from registrations.models import Registration
        from uitpublish import selectors, signals

        page_published.connect(signals.event_published, dispatch_uid="uitpublish_event_published")
        page_unpublished.connect(
            signals.event_unpublished, dispatch_uid="uitpublish_event_unpublished"
        )
        pre_delete.connect(
            signals.event_deleting, sender=EventPage, dispatch_uid="uitpublish_event_deleting"
        )
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
