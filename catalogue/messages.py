"""Messages that are stored for editors (the rejected records of an import) and translated
when they are shown, not when they are written: a run stores the msgid and its values, and
the admin renders them in the reader's language.

A StoredMessage is a picklable value (workers of the import hand them back to the parent);
str() gives the text in the active language, `as_dict()` what is stored in the run's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop

# Every message an import stores, marked for makemessages (under its own name: makemessages
# knows `gettext_noop`, not an alias such as `N_`, and would skip these).
UNREADABLE_RECORD = gettext_noop("onleesbaar record: %(detail)s")
INVALID_MARCXML = gettext_noop("ongeldig MARCXML-bestand: %(detail)s")
INVALID_JSON = gettext_noop("ongeldig JSON-bestand: %(detail)s")
INVALID_LEADER_LENGTH = gettext_noop("ongeldige recordlengte in de leader")
TRUNCATED_RECORD = gettext_noop("record afgebroken: het bestand eindigt te vroeg")
LENGTH_MISMATCH = gettext_noop("recordlengte klopt niet met het einde van het record")
NO_RECORD_ID = gettext_noop(
    "geen geldig recordnummer: veld 001 ontbreekt, is leeg of langer dan 64 tekens"
)
NO_TITLE_FIELD = gettext_noop("geen titel: het record heeft geen veld 245")
TITLE_FIELD_DAMAGED = gettext_noop(
    "geen titel: veld 245 is beschadigd (zonder deelvelden, het scheidingsteken ontbreekt)"
)
NO_TITLE = gettext_noop("geen titel: veld 245 heeft geen deelveld $a met tekst")
NOT_STORED = gettext_noop("niet op te slaan: %(detail)s")
NOT_PROCESSED = gettext_noop(
    "het record kon niet verwerkt worden: een veld is beschadigd (%(detail)s)"
)
# Why a record could not be read (catalogue.readers: a leader or pymarc's exceptions).
LEADER_MISSING = gettext_noop("onleesbaar record: de leader ontbreekt")
LEADER_EMPTY = gettext_noop("onleesbaar record: de leader is leeg")
LEADER_UNREADABLE = gettext_noop(
    "onleesbaar record: de leader is onleesbaar (%(length)s tekens in plaats van 24, zonder "
    "recordstatus en recordtype op positie 05-06)"
)
LEADER_DAMAGED = gettext_noop("onleesbaar record: de leader is onvolledig of beschadigd")
BASE_ADDRESS_MISSING = gettext_noop(
    "onleesbaar record: het begin van de gegevens (leader 12-16) ontbreekt"
)
BASE_ADDRESS_OUTSIDE = gettext_noop(
    "onleesbaar record: het begin van de gegevens (leader 12-16) wijst buiten het record"
)
DIRECTORY_DAMAGED = gettext_noop(
    "onleesbaar record: de inhoudstabel (directory) van het record is beschadigd"
)
NO_FIELDS = gettext_noop("onleesbaar record: het record bevat geen velden")
SHORTER_THAN_LEADER = gettext_noop(
    "onleesbaar record: het record is korter dan de recordlengte in de leader"
)
END_MISSING = gettext_noop("onleesbaar record: het einde van het record ontbreekt")
UNDECODABLE = gettext_noop(
    "onleesbaar record: tekens die in geen enkele gangbare codering leesbaar zijn"
)
NOT_MARC21 = gettext_noop("onleesbaar record: de opbouw van het record klopt niet met MARC 21")
NOT_A_JSON_RECORD = gettext_noop("onleesbaar record: het record is geen MARC-in-JSON-object")
NO_JSON_FIELDS = gettext_noop(
    "onleesbaar record: het record heeft geen lijst van velden ('fields')"
)
XML_UNREADABLE = gettext_noop(
    "ongeldig MARCXML-bestand: het bestand is geen leesbare XML vanaf hier (%(detail)s)"
)
KNOWN = frozenset(
    {
        NOT_PROCESSED,
        LEADER_MISSING,
        LEADER_EMPTY,
        LEADER_UNREADABLE,
        LEADER_DAMAGED,
        BASE_ADDRESS_MISSING,
        BASE_ADDRESS_OUTSIDE,
        DIRECTORY_DAMAGED,
        NO_FIELDS,
        SHORTER_THAN_LEADER,
        END_MISSING,
        UNDECODABLE,
        NOT_MARC21,
        XML_UNREADABLE,
        NOT_A_JSON_RECORD,
        NO_JSON_FIELDS,
        UNREADABLE_RECORD,
        INVALID_MARCXML,
        INVALID_JSON,
        INVALID_LEADER_LENGTH,
        TRUNCATED_RECORD,
        LENGTH_MISMATCH,
        NO_RECORD_ID,
        NO_TITLE,
        NO_TITLE_FIELD,
        TITLE_FIELD_DAMAGED,
        NOT_STORED,
    }
)
DETAIL_LENGTH = 240


@dataclass(frozen=True)
class StoredMessage:
    msgid: str
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, msgid: str, **params: Any) -> StoredMessage:
        return cls(msgid, {key: str(value)[:DETAIL_LENGTH] for key, value in params.items()})

    def __str__(self) -> str:
        return message_render(self.msgid, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": dict(self.params)}


def message_render(msgid: str, params: dict[str, Any] | None = None) -> str:
    text = gettext(msgid) if msgid in KNOWN else msgid
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return msgid


def message_display(stored: Any, fallback: str = "") -> str:
    """The stored form ({"msgid": ..., "params": ...}) in the active language; anything else
    (an older run's plain text) as it was stored."""
    if isinstance(stored, dict) and isinstance(stored.get("msgid"), str):
        params = stored.get("params")
        return message_render(stored["msgid"], params if isinstance(params, dict) else None)
    return fallback
