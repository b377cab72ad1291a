"""Client for Cultuurconnect's "Catalogus webservices v1" (AquaBrowser), per library profile.

Shapes: ../shared/data/catalogue-api/openapi.json. Answers are XML (the /refine JSON output is
broken upstream, so XML everywhere). Every call has a timeout; successful answers are cached in
the Django cache; a slow or failing service raises CatalogueUnavailable, which the page turns
into a Dutch message while the rest of the page renders.

A results page costs two calls: GET /search and one POST /search-availability for the
availability of all its hits. When only the second fails, the hits show without availability.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import quote, urlencode

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
from catalogue.marc import isbn_normalise, other_title_label

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 3.0
CACHE_SECONDS = 300
# Availability changes with every loan: the bulk answer for a results page is kept briefly.
AVAILABILITY_CACHE_SECONDS = 60
# A profile without a Wise location (a union catalogue such as zbb) has no availability: the
# service answers 404, and the profile is not asked again for this long.
NO_AVAILABILITY_SECONDS = 3600

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


def _status_label(status: ET.Element | None) -> str:
    if status is None:
        return ""
    return (
        status.get("translation")
        or status.get("wise-status-translated")
        or status.get("status")
        or ""
    )


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

    def _url(self, endpoint: str) -> str:
        return f"{self.base_url}/{self.profile}/{endpoint}/"

    def get(self, endpoint: str, params: list[tuple[str, str]]) -> ET.Element:
        url = self._url(endpoint)
        return self._call(
            endpoint,
            cache_source=f"{url}?{urlencode(params)}",
            cache_seconds=self.cache_seconds,
            send=lambda: requests.get(
                url,
                params=[*params, ("authorization", self.key)],
                timeout=self.timeout,
                headers={"Accept": "application/xml"},
            ),
        )

    def post(
        self,
        endpoint: str,
        body: str,
        params: list[tuple[str, str]] | None = None,
        *,
        cache_seconds: int | None = None,
    ) -> ET.Element:
        """POST a raw form-urlencoded body (the service's own id mapping, not a key/value form);
        the key still travels as the `authorization` query parameter. Cached on URL and body."""
        params = params or []
        url = self._url(endpoint)
        return self._call(
            endpoint,
            cache_source=f"POST {url}?{urlencode(params)}\n{body}",
            cache_seconds=self.cache_seconds if cache_seconds is None else cache_seconds,
            send=lambda: requests.post(
                url,
                params=[*params, ("authorization", self.key)],
                data=body.encode(),
                timeout=self.timeout,
                headers={
                    "Accept": "application/xml",
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            ),
        )

    def _call(
        self,
        endpoint: str,
        *,
        cache_source: str,
        cache_seconds: int,
        send: Callable[[], requests.Response],
    ) -> ET.Element:
        """A cached answer, or the checked answer of `send()`, cached when it is good."""
        cache_key = "catalogue:cc:" + hashlib.sha256(cache_source.encode()).hexdigest()
        cached = cache.get(cache_key)
        if cached is not None:
            return ET.fromstring(cached)
        try:
            response = send()
        except requests.RequestException as exc:
            logger.warning("Catalogue service unreachable: %s", exc.__class__.__name__)
            raise CatalogueUnavailable(str(exc)) from exc
        root = self._checked(response, endpoint)
        cache.set(cache_key, response.content, cache_seconds)
        return root

    @staticmethod
    def _checked(response: requests.Response, endpoint: str) -> ET.Element:
        """The parsed answer, or CatalogueUnavailable for an HTTP error, invalid XML or an
        `<error>` answer."""
        if response.status_code != 200:
            logger.warning("Catalogue service answered %s for %s", response.status_code, endpoint)
            raise CatalogueUnavailable(f"HTTP {response.status_code}", status=response.status_code)
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError as exc:
            logger.warning("Catalogue service answered invalid XML for %s", endpoint)
            raise CatalogueUnavailable("invalid XML") from exc
        if root.tag == "error" or root.find("error") is not None:
            logger.warning("Catalogue service answered an error for %s", endpoint)
            raise CatalogueUnavailable("service error")
        return root


def search_availability_body(root: ET.Element) -> str:
    """The body for POST /search-availability: the `<post>` node of the /search answer verbatim,
    or, without one, the same `<url-encoded-extid>=<wise-title-id>[,...]` lines built from
    `<ids>` (the per-edition mapping `<post>` is made of; `<frabl-ids>` feeds `<frabl-post>`,
    keyed on other editions' ids than the hits)."""
    block = root.find("feedbacks/search-availability-ids")
    if block is None:
        return ""
    post = block.find("post")
    if post is not None and (post.text or "").strip():
        return post.text or ""
    lines = []
    for entry in block.findall("ids/id"):
        extid = entry.get("extid", "")
        wise_ids = [i.strip() for i in (entry.text or "").split(",") if i.strip()]
        if extid and wise_ids:
            lines.append(f"{_form_quote(extid)}={_form_quote(','.join(wise_ids))}\n")
    return "".join(lines)


def _form_quote(value: str) -> str:
    # Lower-case escapes, as in the service's own <post> bodies (%7clibrary%2fmarc...).
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), quote(value, safe=""))


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
        results = SearchResults(
            query=query, total=total, hits=hits, facets=self._facets(root, query)
        )
        body = search_availability_body(root) if hits else ""
        no_availability_key = f"catalogue:cc:no-availability:{self.client.base_url}:{self.profile}"
        if body and not cache.get(no_availability_key):
            try:
                answer = self.client.post(
                    "search-availability", body, cache_seconds=AVAILABILITY_CACHE_SECONDS
                )
            except CatalogueUnavailable as exc:
                if exc.status == 404:
                    # Not an outage: this profile has no availability to give.
                    logger.warning("Profile %s has no availability (404)", self.profile)
                    cache.set(no_availability_key, True, NO_AVAILABILITY_SECONDS)
                else:
                    logger.warning(
                        "No availability for the results of profile %s: %s", self.profile, exc
                    )
                    results.availability_failed = True
            else:
                by_record = self._search_availability(answer)
                for hit in hits:
                    hit.availability = by_record.get(hit.record_id, [])
        return results

    @staticmethod
    def _search_availability(root: ET.Element) -> dict[str, list[BranchAvailability]]:
        """Record token -> availability, from a /search-availability answer. One `<item>` per
        external id: `@available` is the headline answer (true as soon as one copy is present),
        its first `<status>` the answer from the requested perspective (the profile, or the
        branch); a second `<status>` only appears when every copy there is on loan, and then
        reports availability at profile or region level."""
        branch = root.find("meta/branch")
        perspective = branch.get("name", "") if branch is not None else ""
        result: dict[str, list[BranchAvailability]] = {}
        for item in root.findall("items/item"):
            extid = item.get("extid", "")
            if not extid:
                continue
            statuses = item.findall("status")
            first = statuses[0] if statuses else None
            entries = [
                BranchAvailability(
                    branch=(first.get("location", "") if first is not None else "") or perspective,
                    available=item.get("available") == "true",
                    status=_status_label(first),
                )
            ]
            for wider in statuses[1:2]:
                entries.append(
                    BranchAvailability(
                        branch=wider.get("location", ""),
                        # The schema does not list this endpoint's normalised statuses; on
                        # /availability `none` means available.
                        available=wider.get("status", "") in ("none", "available"),
                        status=_status_label(wider),
                    )
                )
            result[record_token(extid)] = entries
        return result

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
            isbn=next(iter(_isbn13s(_texts(result, "identifiers/isbn-id"))), ""),
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
            other_titles=[
                {"kind": "original", "title": text, "label": other_title_label("original")}
                for text in _texts(root, "titles/origin-title")
                if text != title
            ],
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


def _isbn13s(values: list[str]) -> list[str]:
    """ISBN-13s of the service's <isbn-id> texts (which may carry hyphens or an ISBN-10)."""
    return [forms[0] for forms in map(isbn_normalise, values) if forms]
