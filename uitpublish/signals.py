"""Signal handlers, connected in UitpublishConfig.ready()."""

from events.models import EventPage


def event_published(sender, instance, **kwargs) -> None:
    """A new version of a local event that is in UiTdatabank: send it (through the worker)."""
    if not isinstance(instance, EventPage) or instance.uitdatabank_id:
        return
    from uitpublish.services import publication_mark_changed

    publication_mark_changed(page_id=instance.pk)


def registration_changed(sender, instance, **kwargs) -> None:
    """A registration was made, cancelled, promoted or removed: "Volzet" may have changed."""
    from uitpublish.services import availability_check

    availability_check(page_id=instance.page_id)


def event_unpublished(sender, instance, **kwargs) -> None:
    """A local event that is in UiTdatabank went offline here: delete it there too."""
    if not isinstance(instance, EventPage) or instance.uitdatabank_id:
        return
    from uitpublish.services import publication_mark_withdrawn

    publication_mark_withdrawn(page_id=instance.pk, title=instance.title)


def event_deleting(sender, instance, **kwargs) -> None:
    """Before a local event is deleted (its publication is kept, without page): delete it in
    UiTdatabank too."""
    if instance.uitdatabank_id:
        return
    from uitpublish.services import publication_mark_withdrawn

    publication_mark_withdrawn(page_id=instance.pk, title=instance.title)
