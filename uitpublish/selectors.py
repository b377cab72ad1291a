"""Reads of uitpublish."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from uitpublish.models import Publication, PublicationState

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def event_id_from_url(url: str) -> str:
    """The UUID in a UiTdatabank address: the Search API says .../event/<id>, the Entry API
    .../events/<id>; both name the same event."""
    found = UUID_RE.findall(url or "")
    return found[-1].lower() if found else ""


def local_document_ids(ids: Iterable[str], root_path: str) -> set[str]:
    """Which of these document @ids are local events of the site under `root_path` that we
    published to UiTdatabank: one query per batch of documents (that site's import calls
    this through events.uitdatabank.LOCAL_DOCUMENT_LOOKUPS and leaves them out; other sites
    import them)."""
    by_event_id: dict[str, list[str]] = {}
    for ident in ids:
        event_id = event_id_from_url(ident)
        if event_id:
            by_event_id.setdefault(event_id, []).append(ident)
    if not by_event_id:
        return set()
    known = Publication.objects.filter(
        event_id__in=list(by_event_id), page__path__startswith=root_path
    ).values_list("event_id", flat=True)
    return {ident for event_id in known for ident in by_event_id.get(event_id, [])}


def publication_for_page(*, page_id: int) -> Publication | None:
    return Publication.objects.filter(page_id=page_id).first()


def publications_due(*, now=None) -> QuerySet[Publication]:
    """Publications whose retry time has come (or that were never sent)."""
    now = now or timezone.now()
    return Publication.objects.filter(
        state__in=[PublicationState.RETRYING, PublicationState.PENDING],
        next_attempt_at__lte=now,
    )
