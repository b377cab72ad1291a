"""Signal receivers, connected in EventsConfig.ready()."""

from events.models import EventPage


def event_published(sender, instance, **kwargs) -> None:
    """Expand the published version's dates into occurrence rows.

    The importer publishes only the pages it creates in bulk (marked `_uitdatabank_import`),
    so any other publish of an imported event is an editor's: clear its fingerprint so the
    next import writes the UiTdatabank fields back.
    """
    if not isinstance(instance, EventPage):
        return
    if getattr(instance, "_uitdatabank_import", False):
        # Created in bulk by the import, which writes its occurrences itself.
        return
    from events.services import occurrences_sync

    occurrences_sync(page=instance)
    if instance.uitdatabank_id:
        EventPage.objects.filter(pk=instance.pk).update(uitdatabank_hash="")


def event_unpublished(sender, instance, **kwargs) -> None:
    """Hide the occurrences of an unpublished (or expired, or withdrawn) event."""
    if not isinstance(instance, EventPage):
        return
    from events.models import Occurrence

    Occurrence.objects.filter(page_id=instance.pk).update(live=False)
