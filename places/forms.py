"""The query of the "in de buurt" page: a postcode, or a position the visitor's browser sent
(rounded here to two decimals, about a kilometre, and never stored or logged). Bad values give
a Dutch explanation on a normal page, never an error status."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _

from places.postcodes import municipalities_for
from places.selectors import in_belgium

PARAMS = ("postcode", "lat", "lon", "nu-open")
POSTCODE = re.compile(r"^\d{4}$")
COORDINATE = re.compile(r"^-?\d{1,3}(\.\d{1,12})?$")
POSITION_DECIMALS = 2


@dataclass
class NearbyQuery:
    postcode: str = ""
    position: tuple[float, float] | None = None
    open_now: bool = False
    municipality: str = ""
    error: str = ""
    # What the visitor typed, shown again in the form (also when it is not a postcode).
    typed: str = ""

    @property
    def asked(self) -> bool:
        return bool(self.postcode or self.position)


def _position(params: QueryDict) -> tuple[tuple[float, float] | None, str]:
    raw_lat, raw_lon = params.get("lat", "").strip(), params.get("lon", "").strip()
    if not raw_lat and not raw_lon:
        return None, ""
    if not (COORDINATE.match(raw_lat) and COORDINATE.match(raw_lon)):
        return None, _("We begrijpen deze ligging niet. Geef een postcode in.")
    lat, lon = float(raw_lat), float(raw_lon)
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return None, _("We begrijpen deze ligging niet. Geef een postcode in.")
    lat, lon = round(lat, POSITION_DECIMALS), round(lon, POSITION_DECIMALS)
    if not in_belgium(lat, lon):
        return None, _(
            "Je ligging valt buiten België. We tonen bibliotheken en centra in Vlaanderen en "
            "Brussel: geef een Belgische postcode in."
        )
    return (lat, lon), ""


def nearby_query_from(params: QueryDict) -> NearbyQuery:
    query = NearbyQuery(open_now=params.get("nu-open", "") in ("1", "on", "ja"))
    position, error = _position(params)
    if position is not None:
        query.position = position
        return query
    postcode = params.get("postcode", "").strip()[:20]
    query.typed = postcode[:8]
    if not postcode:
        query.error = error
        return query
    if not POSTCODE.match(postcode):
        query.error = _("Een Belgische postcode heeft 4 cijfers, bijvoorbeeld 9000.")
        return query
    municipalities = municipalities_for(postcode)
    if not municipalities:
        query.error = _("Postcode %(postcode)s bestaat niet in België.") % {"postcode": postcode}
        return query
    query.postcode = postcode
    query.municipality = ", ".join(dict.fromkeys(name for _nis, name in municipalities))
    return query
