"""Client for Cultuurconnect's "Catalogus webservices v1" (AquaBrowser), per library profile.

Shapes: ../shared/data/catalogue-api/openapi.json. Answers are XML (the /refine JSON output is
broken upstream, so XML everywhere). Every call has a timeout; successful answers are cached in
the Django cache; a slow or failing service raises CatalogueUnavailable, which the page turns
into a Dutch message while the rest of the page renders.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.cache import cache

from catalogue.backends.base import (
    FACET_LIMIT,
    FACETS,
    BranchAvailability,
    CatalogueUnavailable,
    Facet,
    FacetValue,
    RecordDetail,
    SearchHit,
    SearchQuery,
    SearchResults,
    SortOrder,
    Suggestion,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 3.0
CACHE_SECONDS = 300

# Our facet parameter -> the service's facet id (the `facet=Id(term)` syntax).
REMOTE_FACETS = {
    "materiaal": "Format",
    "doelgroep": "TargetAudience",
    "taal": "Language",
    "genre": "Genre",
    "onderwerp": "Subject",
    "auteur": "Author",
    "jaar": "PublicationYear",
    "fictie": "Type",
}
FACET_BY_REMOTE = {remote: name for name, remote in REMOTE_FACETS.items()}
REMOTE_SORT = {SortOrder.RELEVANCE: "relevance", SortOrder.NEWEST: "year", SortOrder.TITLE: "title"}


def record_token(extid: str) -> str:
    """A URL-safe token for the service's record ids ('|library/marc/vlacc|123', '|wise|45')."""
    if extid.startswith("|library/marc/vlacc|"):
        return "vlacc-" + extid.rsplit("|", 1)[1]
    if extid.startswith("|wise|"):
        return "wise-" + extid.rsplit("|", 1)[1]
    return "x-" + base64.urlsafe_b64encode(extid.encode()).decode().rstrip("=")


def record_extid(token: str) -> str:
    kind, _sep, value = token.partition("-")
    if kind == "vlacc" and value.isdigit():
        return f"|library/marc/vlacc|{value}"
    if kind == "wise" and value.isdigit():
        return f"|wise|{value}"
    if kind == "x":
        try:
            return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        except (ValueError, UnicodeDecodeError):
            return ""
    return ""


def _text(element: ET.Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _texts(element: ET.Element | None, path: str) -> list[str]:
    if element is None:
        return []
    return [(e.text or "").strip() for e in element.findall(path) if (e.text or "").strip()]


class CultuurconnectClient:
    def __init__(
        self,
        *,
        profile: str,
        base_url: str | None = None,
        key: str | None = None,
        timeout: float | None = None,
        cache_seconds: int = CACHE_SECONDS,
    ) -> None:
        self.profile = profile
        self.base_url = (base_url or settings.CATALOGUE_API_URL).rstrip("/")
        self.key = key if key is not None else settings.CATALOGUE_API_KEY
        self.timeout = timeout if timeout is not None else settings.CATALOGUE_API_TIMEOUT
        self.cache_seconds = cache_seconds

    def get(self, endpoint: str, params: list[tuple[str, str]]) -> ET.Element:
        url = f"{self.base_url}/{self.profile}/{endpoint}/"
        query = urlencode(params)
        cache_key = "catalogue:cc:" + hashlib.sha256(f"{url}?{query}".encode()).hexdigest()
        cached = cache.get(cache_key)
        if cached is not None:
            return ET.fromstring(cached)
        try:
            response = requests.get(
                url,
                params=[*params, ("authorization", self.key)],
                timeout=self.timeout,
                headers={"Accept": "application/xml"},
            )
        except requests.RequestException as exc:
            logger.warning("Catalogue service unreachable: %s", exc.__class__.__name__)
            raise CatalogueUnavailable(str(exc)) from exc
        if response.status_code != 200:
            logger.warning("Catalogue service answered %s for %s", response.status_code, endpoint)
            raise CatalogueUnavailable(f"HTTP {response.status_code}")
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise CatalogueUnavailable("invalid XML") from exc
        if root.tag == "error" or root.find("error") is not None:
            raise CatalogueUnavailable("service error")
        cache.set(cache_key, response.content, self.cache_seconds)
        return root


class CultuurconnectBackend:
    def __init__(self, *, profile: str, client: CultuurconnectClient | None = None) -> None:
        self.profile = profile
        self.client = client or CultuurconnectClient(profile=profile)

    def search(self, query: SearchQuery) -> SearchResults:
        if query.is_empty:
            return SearchResults(query=query)
        params = [
            ("q", query.text.strip() or "*"),
            ("page", str(query.page)),
            ("pagesize", str(min(query.page_size, 20))),
            ("sort", REMOTE_SORT.get(query.sort, "relevance")),
            ("refine", "true"),
        ]
        for name, values in query.facets.items():
            remote = REMOTE_FACETS.get(name)
            params.extend((("facet", f"{remote}({value})") for value in values) if remote else ())
        root = self.client.get("search", params)
        total = int(_text(root, "meta/count") or 0)
        hits = [self._hit(result) for result in root.findall("results/result")]
        return SearchResults(query=query, total=total, hits=hits, facets=self._facets(root, query))

    @staticmethod
    def _hit(result: ET.Element) -> SearchHit:
        extid = _text(result, "id")
        authors = [
            (a.text or "").strip()
            for a in [*result.findall("authors/main-author"), *result.findall("authors/author")]
        ]
        year = result.find("publication/publishers/publisher")
        year_value = year.get("year") if year is not None else ""
        undup = result.find("undup-info")
        editions = sum(len(f.findall("item")) for f in undup.findall("format")) if undup else 1
        cover = result.find("coverimages/coverimage")
        return SearchHit(
            record_id=record_token(extid),
            title=_text(result, "titles/title"),
            authors=[a for a in authors if a][:3],
            year=int(year_value) if year_value and year_value.isdigit() else None,
            material=", ".join(_texts(result, "formats/format")).lower(),
            audience=", ".join(_texts(result, "target-audiences/target-audience")).lower(),
            language=", ".join(_texts(result, "languages/language")),
            cover_url=_text(cover, "url") if cover is not None else "",
            editions=max(editions, 1),
        )

    @staticmethod
    def _facets(root: ET.Element, query: SearchQuery) -> list[Facet]:
        facets = []
        for element in root.findall("facets/facet"):
            name = FACET_BY_REMOTE.get(element.get("id", ""))
            if name is None:
                continue
            selected = set(query.facets.get(name, ()))
            values = []
            for value in element.findall("value")[:FACET_LIMIT]:
                term = value.get("id") or (value.text or "").strip()
                try:
                    count = int(value.get("count", "0"))
                except ValueError:
                    count = 0
                values.append(
                    FacetValue(
                        value=term,
                        label=value.get("translation") or (value.text or "").strip() or term,
                        count=count,
                        selected=term in selected,
                    )
                )
            if values:
                facets.append(Facet(name=name, label=str(FACETS[name][1]), values=values))
        return facets

    def suggest(self, prefix: str) -> list[Suggestion]:
        if len(prefix.strip()) < 2:
            return []
        root = self.client.get("search", [("q", prefix.strip()), ("pagesize", "8")])
        titles = []
        for result in root.findall("results/result"):
            title = _text(result, "titles/title")
            if title and title not in titles:
                titles.append(title)
        return [Suggestion(title, "titel") for title in titles[:8]]

    def record(self, record_id: str) -> RecordDetail | None:
        extid = record_extid(record_id)
        if not extid:
            return None
        root = self.client.get("details", [("id", extid)])
        title = _text(root, "titles/title")
        if not title:
            return None
        authors = [
            {"name": (a.text or "").strip(), "role": (a.get("localized-type") or "").lower()}
            for a in [*root.findall("authors/main-author"), *root.findall("authors/author")]
        ]
        publisher = root.find("publication/publishers/publisher")
        year = publisher.get("year", "") if publisher is not None else ""
        cover = root.find("coverimages/coverimage")
        return RecordDetail(
            record_id=record_id,
            title=title,
            authors=authors,
            edition=_text(root, "publication/editions/edition"),
            publisher=(publisher.text or "").strip() if publisher is not None else "",
            place=publisher.get("place", "") if publisher is not None else "",
            year=int(year) if year.isdigit() else None,
            physical_description=_text(root, "description/physical-description"),
            series=_texts(root, "series/series-title"),
            subjects=_texts(root, "subjects/topical-subject"),
            genres=_texts(root, "genres/genre"),
            summary=" ".join(_texts(root, "summaries/summary")),
            audience=", ".join(_texts(root, "target-audiences/target-audience")).lower(),
            isbns=_texts(root, "identifiers/isbn-id"),
            languages=_texts(root, "languages/language")
            or _texts(root, "languages/original-language"),
            siso=_text(root, "classification/siso"),
            material=", ".join(_texts(root, "formats/format")).lower(),
            cover_url=_text(cover, "url") if cover is not None else "",
            availability=self.availability([record_id]).get(record_id, []),
        )

    def availability(self, record_ids: list[str]) -> dict[str, list[BranchAvailability]]:
        result: dict[str, list[BranchAvailability]] = {}
        for record_id in record_ids[:20]:
            extid = record_extid(record_id)
            if not extid:
                continue
            root = self.client.get("availability", [("id", extid)])
            branches = []
            for location in root.iter("location"):
                items = location.find("items")
                if items is None:
                    continue
                for item in items.findall("item"):
                    branches.append(
                        BranchAvailability(
                            branch=location.get("name", ""),
                            available=item.get("available") == "true",
                            status=_text(item, "status"),
                            location=_text(item, "subloc"),
                            shelf_mark=_text(item, "shelfmark"),
                        )
                    )
            result[record_id] = branches
        return result
