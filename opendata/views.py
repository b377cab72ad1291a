"""The open-data endpoints (docs/opendata.md): JSON-LD, read-only, for any origin.

On a site's host the feeds hold that site's content; on the landing host (no site) they hold
the whole network. Every answer, errors included, carries `Access-Control-Allow-Origin: *`
and a Cache-Control header; no view reads the session or the user, so no cookie is set.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from events.recurrence import BRUSSELS
from opendata.selectors import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    events_page,
    feed_scope,
    locations_page,
    news_page,
)

MAX_AGE = 300  # seconds: the feeds change with editors' publishes, not by the second
CONTENT_TYPE = "application/ld+json; charset=utf-8"
PAGING_PARAMETERS = ("pagina", "per_pagina")
EVENT_PARAMETERS = ("vanaf", "tot")


class BadParameter(Exception):
    """A query parameter that cannot be used; the message (Dutch) goes back to the client."""


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Max-Age"] = "86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _json(data: dict[str, Any], *, status: int = 200, max_age: int = MAX_AGE) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPE)
    response["Cache-Control"] = f"public, max-age={max_age}" if status == 200 else "no-store"
    return _cors(response)


def _error(message: str, *, status: int = 400) -> HttpResponse:
    return _json({"fout": message, "status": status}, status=status)


def _integer(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadParameter(_("'%(name)s' moet een positief geheel getal zijn.") % {"name": name})
    value = int(raw)
    if value > maximum:
        raise BadParameter(
            _("'%(name)s' mag hoogstens %(max)d zijn.") % {"name": name, "max": maximum}
        )
    return value


def _date(request: HttpRequest, name: str) -> dt.date | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(
            _("'%(name)s' moet een datum zijn in de vorm JJJJ-MM-DD.") % {"name": name}
        ) from None


def _check_names(request: HttpRequest, allowed: tuple[str, ...]) -> None:
    # Names starting with "_" are cache busters of JavaScript clients: ignored.
    unknown = sorted(name for name in request.GET if name not in allowed and name[:1] != "_")
    if unknown:
        raise BadParameter(
            _("Onbekende parameter: %(names)s. Mogelijk: %(allowed)s.")
            % {"names": ", ".join(unknown), "allowed": ", ".join(allowed) or "-"}
        )
    repeated = sorted(name for name in allowed if len(request.GET.getlist(name)) > 1)
    if repeated:
        raise BadParameter(_("Geef %(names)s maar één keer op.") % {"names": ", ".join(repeated)})


def _feed_url(request: HttpRequest, **params: Any) -> str:
    query = {key: value for key, value in request.GET.items() if key[:1] != "_"}
    query.update({key: str(value) for key, value in params.items()})
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


def _feed(
    request: HttpRequest,
    *,
    name: str,
    allowed: tuple[str, ...],
    build: Callable[..., tuple[Any, list[dict]]],
) -> HttpResponse:
    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return _cors(response)
    if request.method not in ("GET", "HEAD"):
        response = _error(_("Alleen lezen (GET) is mogelijk."), status=405)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
    try:
        _check_names(request, allowed)
        page = _integer(request, "pagina", 1, 100_000)
        per_page = _integer(request, "per_pagina", DEFAULT_PER_PAGE, MAX_PER_PAGE)
        scope = feed_scope(site=Site.find_for_request(request))
        paginator, items = build(request=request, scope=scope, page=page, per_page=per_page)
    except BadParameter as error:
        return _error(str(error))
    pages = paginator.num_pages if paginator.count else 0
    title = (
        _("%(feed)s van %(site)s") % {"feed": name, "site": scope.site.site_name}
        if scope.site
        else _("%(feed)s van het netwerk") % {"feed": name}
    )
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": title,
        "url": _feed_url(request, pagina=page),
        "inLanguage": "nl-BE",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "dateModified": timezone.now().astimezone(BRUSSELS).isoformat(timespec="seconds"),
        "numberOfItems": paginator.count,
        "pagina": page,
        "per_pagina": per_page,
        "aantal_paginas": pages,
        "vorige": _feed_url(request, pagina=page - 1) if 1 < page <= pages + 1 else None,
        "volgende": _feed_url(request, pagina=page + 1) if page < pages else None,
        "dataFeedElement": items,
    }
    return _json(data)


def locations(request: HttpRequest) -> HttpResponse:
    today = timezone.now().astimezone(BRUSSELS).date()
    return _feed(
        request,
        name=_("Locaties en openingsuren"),
        allowed=PAGING_PARAMETERS,
        build=lambda **kwargs: locations_page(today=today, **kwargs),
    )


def events(request: HttpRequest) -> HttpResponse:
    def build(**kwargs):
        first, last = _date(request, "vanaf"), _date(request, "tot")
        if first and last and last < first:
            raise BadParameter(_("'tot' ligt voor 'vanaf'."))
        now = timezone.now()
        start = now
        if first is not None:
            start = max(now, dt.datetime.combine(first, dt.time(0), tzinfo=BRUSSELS))
        end = None
        if last is not None:
            end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=BRUSSELS)
        return events_page(start=start, end=end, **kwargs)

    return _feed(
        request,
        name=_("Activiteiten"),
        allowed=(*PAGING_PARAMETERS, *EVENT_PARAMETERS),
        build=build,
    )


def news(request: HttpRequest) -> HttpResponse:
    return _feed(request, name=_("Nieuws"), allowed=PAGING_PARAMETERS, build=news_page)


def index(request: HttpRequest) -> HttpResponse:
    """What the feeds are, where they are and how to page them."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        response = _error(_("Alleen lezen (GET) is mogelijk."), status=405)
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
    site = Site.find_for_request(request)
    feeds = [
        ("locaties", "opendata:locations", _("Locaties met openingsuren (schema.org Place)")),
        ("activiteiten", "opendata:events", _("Activiteiten (schema.org Event)")),
        ("nieuws", "opendata:news", _("Nieuws (schema.org NewsArticle)")),
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": _("Open data van %(site)s") % {"site": site.site_name}
        if site
        else _("Open data van het netwerk"),
        "inLanguage": "nl-BE",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "dataset": [
            {
                "@type": "Dataset",
                "identifier": key,
                "description": description,
                "distribution": {
                    "@type": "DataDownload",
                    "encodingFormat": "application/ld+json",
                    "contentUrl": request.build_absolute_uri(reverse(name)),
                },
            }
            for key, name, description in feeds
        ],
        "parameters": {
            "pagina": _("paginanummer, vanaf 1"),
            "per_pagina": _("aantal per pagina, 1 tot %(max)d (standaard %(default)d)")
            % {"max": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
            "vanaf": _("activiteiten: vanaf deze datum (JJJJ-MM-DD)"),
            "tot": _("activiteiten: tot en met deze datum (JJJJ-MM-DD)"),
        },
    }
    return _json(data, max_age=3600)
