"""Why an import refused a document, skipped a date or failed: stored as a message id with its
parameters and rendered in the reader's language when shown, not frozen in the language of
the worker that ran the import.

    Reason(gettext_noop("%(what)s ontbreekt."), what=Reason(gettext_noop("De begindatum")))

A parameter can itself be a Reason (a skipped date's own reason, the field that is missing);
other parameters are plain values taken from the document (an id, a quoted value), shown as
they are. `Reason.as_json()` is what ImportRun stores; `reason_display()` renders a stored
entry, and an entry written before reasons were stored this way (only a Dutch "reason"
text) keeps showing that text.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

JsonValue = str | int | float | bool | None


class Reason:
    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def render(self) -> str:
        """The message in the active language."""
        text = gettext(self.msgid)
        if not self.params:
            return text
        values = {name: _render(value) for name, value in self.params.items()}
        try:
            return text % values
        except (KeyError, TypeError, ValueError):
            # A translation that lost or changed a placeholder: fall back to the source text.
            return self.msgid % values

    __str__ = render

    def __repr__(self) -> str:
        return f"Reason({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Reason) and self.msgid == other.msgid and self.params == other.params
        )

    def __hash__(self) -> int:
        return hash(self.msgid)

    def as_json(self) -> dict[str, Any]:
        return {
            "msgid": self.msgid,
            "params": {name: _to_json(value) for name, value in self.params.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reason:
        params = data.get("params") or {}
        return cls(
            str(data.get("msgid", "")),
            **{
                str(name): _from_json(value)
                for name, value in (params.items() if isinstance(params, dict) else ())
            },
        )


def _render(value: Any) -> Any:
    # A list parameter (several reasons) reads as one sentence part: "a; b; c".
    if isinstance(value, list | tuple):
        return "; ".join(str(_render(item)) for item in value)
    return value.render() if isinstance(value, Reason) else value


def _to_json(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_to_json(item) for item in value]
    return value.as_json() if isinstance(value, Reason) else _plain(value)


def _from_json(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_json(item) for item in value]
    return Reason.from_json(value) if _is_reason(value) else value


def _is_reason(value: Any) -> bool:
    return isinstance(value, dict) and "msgid" in value


def _plain(value: Any) -> JsonValue:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def reason_entry(*, ident: str, reason: Reason | str) -> dict[str, Any]:
    """One line of ImportRun.rejections: the document id, the message id and parameters,
    and the text in the active language (for the command line and older readers)."""
    entry: dict[str, Any] = {"id": ident[:300], "reason": str(reason)[:500]}
    if isinstance(reason, Reason):
        entry.update(reason.as_json())
    return entry


def reason_display(entry: dict[str, Any]) -> str:
    """A stored rejection line's reason in the reader's language."""
    if _is_reason(entry):
        return Reason.from_json(entry).render()
    return str(entry.get("reason", ""))
