"""Signal receivers, connected in EventsConfig.ready()."""

from events.models import EventPage


def event_published(sender, instance, **kwargs) -> None:
    """Expand the published version's dates into occurrence rows.

    The importer sends no `page_published` for the pages it creates in bulk (it announces
    them with `pages_changed`; they are marked `_uitdatabank_import` and skipped here should
    they be published), so a publish of an imported event is an editor's: clear its
    fingerprint so the next import writes the UiTdatabank fields back.
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


FEED_ROUTES = ("feed_ical", "feed_rss", "feed_atom", "feed_json")


def event_listed_on(page) -> list:
    """For the page cache: an event is listed on its agenda and the agenda's feeds, on the
    home page of its site, and, when regional, on the agendas (and home pages) of the other
    sites in its province that show regional events."""
    if not isinstance(page, EventPage):
        return []
    from events.models import EventIndexPage, Occurrence

    agenda_ids = {page.get_parent().pk} | set(
        Occurrence.objects.filter(page_id=page.pk).values_list("agenda_id", flat=True).distinct()
    )
    agendas = EventIndexPage.objects.filter(pk__in=agenda_ids)
    if page.regional and page.region:
        agendas = agendas | EventIndexPage.objects.filter(include_regional=True, region=page.region)
    targets: list = []
    for agenda in agendas.distinct():
        url = agenda.get_full_url()
        if not url:
            continue
        targets.append(agenda)
        targets += [url + agenda.reverse_subpage(route) for route in FEED_ROUTES]
        targets.append(agenda.get_parent())
    own = page.get_full_url()
    if own:
        targets.append(own + page.reverse_subpage("ical"))
    return targets
