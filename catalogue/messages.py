"""Messages that are stored for editors (the rejected records of an import) and translated
when they are shown, not when they are written: a run stores the msgid and its values, and
the admin renders them in the reader's language.

A StoredMessage is a picklable value (workers of the import hand them back to the parent);
str() gives the text in the active language, `as_dict()` what is stored in the run's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

# Every message an import stores, marked for makemessages.
UNREADABLE_RECORD = N_("onleesbaar record: %(detail)s")
INVALID_MARCXML = N_("ongeldig MARCXML-bestand: %(detail)s")
INVALID_JSON = N_("ongeldig JSON-bestand: %(detail)s")
INVALID_LEADER_LENGTH = N_("ongeldige recordlengte in de leader")
TRUNCATED_RECORD = N_("record afgebroken: het bestand eindigt te vroeg")
LENGTH_MISMATCH = N_("recordlengte klopt niet met het einde van het record")
NO_RECORD_ID = N_("geen geldig recordnummer: veld 001 ontbreekt, is leeg of langer dan 64 tekens")
NO_TITLE_FIELD = N_("geen titel: het record heeft geen veld 245")
TITLE_FIELD_DAMAGED = N_(
    "geen titel: veld 245 is beschadigd (zonder deelvelden, het scheidingsteken ontbreekt)"
)
NO_TITLE = N_("geen titel: veld 245 heeft geen deelveld $a met tekst")
NOT_STORED = N_("niet op te slaan: %(detail)s")
KNOWN = frozenset(
    {
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
