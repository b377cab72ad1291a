"""The one interface every catalogue backend implements, and the values it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from catalogue.marc import RecordDescription

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_QUERY_LENGTH = 200
FACET_LIMIT = 10


class SortOrder:
    RELEVANCE = "relevantie"
    NEWEST = "nieuwste"
    TITLE = "titel"
    CHOICES = (RELEVANCE, NEWEST, TITLE)


# URL parameter name -> (facet key prefix in the local index, label)
FACETS: dict[str, tuple[str, str]] = {
    "materiaal": ("m", _("Materiaal")),
    "doelgroep": ("d", _("Doelgroep en leeftijd")),
    "taal": ("t", _("Taal")),
    "genre": ("g", _("Genre")),
    "onderwerp": ("o", _("Onderwerp")),
    "auteur": ("a", _("Auteur")),
    "jaar": ("j", _("Jaar")),
    "fictie": ("f", _("Fictie of non-fictie")),
}


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = SortOrder.RELEVANCE
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not any(self.facets.values())


@dataclass
class BranchAvailability:
    branch: str
    available: bool
    status: str = ""
    location: str = ""
    shelf_mark: str = ""


@dataclass
class SearchHit:
    record_id: str
    title: str
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    material: str = ""
    audience: str = ""
    age_min: int | None = None
    language: str = ""
    cover_url: str = ""
    isbn: str = ""  # the first ISBN-13, for the cover URL template of the catalogue page
    editions: int = 1
    availability: list[BranchAvailability] = field(default_factory=list)
    url: str = ""

    @property
    def available_anywhere(self) -> bool:
        return any(a.available for a in self.availability)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass
class SearchResults:
    query: SearchQuery
    total: int = 0
    hits: list[SearchHit] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    error: str = ""
    corrected_text: str = ""
    # Results that can be paged through, when fewer than the total (0: all of them).
    pageable: int = 0
    # The hits are there but their availability could not be fetched: the page says so.
    availability_failed: bool = False

    @property
    def num_pages(self) -> int:
        reachable = min(self.total, self.pageable) if self.pageable else self.total
        return min(MAX_PAGE, max(1, -(-reachable // self.query.page_size)))

    @property
    def first_index(self) -> int:
        return (self.query.page - 1) * self.query.page_size + 1


@dataclass
class Suggestion:
    label: str
    kind: str  # "titel" or "auteur"


@dataclass
class Edition:
    """Another edition of the same work, as the record page lists it."""

    record_id: str
    title: str
    year: int | None = None
    material: str = ""
    language: str = ""
    url: str = ""


@dataclass
class RecordDetail(RecordDescription):
    """A record page's data: its description, its availability at the site's branches and the
    other editions of its work."""

    availability: list[BranchAvailability] = field(default_factory=list)
    editions: list[Edition] = field(default_factory=list)


class CatalogueUnavailable(Exception):
    """The backend did not answer in time or answered with an error (`status`: its HTTP status,
    when it answered)."""

    def __init__(self, message: str = "", *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class CatalogueBackendProtocol(Protocol):
    profile: str

    def search(self, query: SearchQuery) -> SearchResults: ...

    def suggest(self, prefix: str) -> list[Suggestion]: ...

    def record(self, record_id: str) -> RecordDetail | None: ...

    def availability(self, record_ids: list[str]) -> dict[str, list[BranchAvailability]]: ...
