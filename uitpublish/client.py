"""A typed client for the UiTdatabank Entry API with an OAuth2 client-credentials token from
the publiq authorisation server (docs/uitpublish.md).

Every failure becomes an EntryApiError with a Dutch message for the editor and whether trying
again later can help (the API down, slow or overloaded) or not (the document was refused, the
credentials are wrong).
"""

from __future__ import annotations

import hashlib
import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


class EntryApiError(Exception):
    def __init__(self, message: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True, kw_only=True)
class EntryApiConfig:
    entry_url: str
    token_url: str
    client_id: str
    client_secret: str
    audience: str
    timeout: float

    @classmethod
    def from_settings(cls) -> EntryApiConfig:
        return cls(
            entry_url=settings.UITDATABANK_ENTRY_URL.rstrip("/"),
            token_url=settings.UITPUBLISH_TOKEN_URL,
            client_id=settings.UITPUBLISH_CLIENT_ID,
            client_secret=settings.UITPUBLISH_CLIENT_SECRET,
            audience=settings.UITPUBLISH_AUDIENCE,
            timeout=settings.UITPUBLISH_TIMEOUT,
        )

    @property
    def configured(self) -> bool:
        return bool(self.entry_url and self.token_url and self.client_id and self.client_secret)


@dataclass(frozen=True)
class Created:
    event_id: str
    url: str


def _problem_text(body: bytes) -> str:
    """The title, detail and schema errors of an application/problem+json answer."""
    try:
        problem = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return body.decode("utf-8", "replace")[:300]
    if not isinstance(problem, dict):
        return str(problem)[:300]
    parts = [str(problem.get(key)) for key in ("title", "detail") if problem.get(key)]
    for error in problem.get("schemaErrors") or []:
        if isinstance(error, dict):
            parts.append(f"{error.get('jsonPointer', '')}: {error.get('error', '')}".strip())
    return "; ".join(parts)[:1000]


class EntryApiClient:
    def __init__(self, config: EntryApiConfig | None = None) -> None:
        self.config = config or EntryApiConfig.from_settings()

    # --- token ---------------------------------------------------------------------------

    @property
    def _token_key(self) -> str:
        digest = hashlib.sha256(
            f"{self.config.token_url}|{self.config.client_id}".encode()
        ).hexdigest()[:16]
        return f"uitpublish:token:{digest}"

    def token(self, *, fresh: bool = False) -> str:
        if not self.config.configured:
            raise EntryApiError(
                "Publiceren in UiTdatabank is niet ingesteld (UITPUBLISH_CLIENT_ID en "
                "UITPUBLISH_CLIENT_SECRET ontbreken).",
                retryable=False,
            )
        if not fresh:
            cached = cache.get(self._token_key)
            if cached:
                return cached
        body = json.dumps(
            {
                "client_id": self.config.client_id,
                "client_secret": self.config.client_secret,
                "audience": self.config.audience,
                "grant_type": "client_credentials",
            }
        ).encode()
        status, payload = self._send("POST", self.config.token_url, body=body, token=None)
        if status in (400, 401, 403):
            raise EntryApiError(
                "De aanmeldserver van UiTdatabank weigert de aanmeldgegevens van dit platform "
                f"({status}: {_problem_text(payload)}). Vraag de beheerder ze na te kijken.",
                retryable=False,
                status=status,
            )
        if status >= 300:
            raise self._server_error(status, payload, what="De aanmeldserver van UiTdatabank")
        try:
            answer = json.loads(payload.decode("utf-8"))
            token = answer["access_token"]
            expires_in = int(answer.get("expires_in") or 3600)
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError):
            raise EntryApiError(
                "De aanmeldserver van UiTdatabank gaf een onleesbaar antwoord.", retryable=True
            ) from None
        cache.set(self._token_key, token, timeout=max(expires_in - 60, 30))
        return token

    # --- Entry API -------------------------------------------------------------------------

    def event_create(self, document: dict[str, Any]) -> Created:
        payload = self._call("POST", "/events", document, expect=(200, 201))
        try:
            answer = json.loads(payload.decode("utf-8"))
            event_id = answer.get("id") or answer["eventId"]
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise EntryApiError(
                "UiTdatabank bevestigde de nieuwe activiteit zonder id.", retryable=True
            ) from None
        url = answer.get("url") or f"{self.config.entry_url}/events/{event_id}"
        return Created(event_id=str(event_id), url=str(url))

    def event_update(self, event_id: str, document: dict[str, Any]) -> None:
        self._call("PUT", f"/events/{event_id}", document, expect=(200, 202, 204))

    def event_status(self, event_id: str, status: dict[str, Any]) -> None:
        self._call("PUT", f"/events/{event_id}/status", status, expect=(200, 202, 204))

    def event_booking_availability(self, event_id: str, availability: dict[str, Any]) -> None:
        self._call(
            "PUT",
            f"/events/{event_id}/booking-availability",
            availability,
            expect=(200, 202, 204),
        )

    def event_delete(self, event_id: str) -> None:
        """Delete the event in UiTdatabank (its workflowStatus becomes DELETED); an event
        UiTdatabank no longer knows counts as deleted."""
        try:
            self._call("DELETE", f"/events/{event_id}", None, expect=(200, 202, 204, 410))
        except EntryApiError as error:
            if error.status != 404:
                raise

    def _call(self, method: str, path: str, data: dict | None, *, expect: tuple[int, ...]) -> bytes:
        body = b"" if data is None else json.dumps(data, ensure_ascii=False).encode("utf-8")
        url = f"{self.config.entry_url}{path}"
        status, payload = self._send(method, url, body=body, token=self.token())
        if status == 401:
            # An expired or revoked token: one new token, one more try.
            status, payload = self._send(method, url, body=body, token=self.token(fresh=True))
        if status in expect:
            return payload
        if status in (401, 403):
            raise EntryApiError(
                f"UiTdatabank weigert dit platform de toegang ({status}: "
                f"{_problem_text(payload)}).",
                retryable=False,
                status=status,
            )
        if status == 404:
            raise EntryApiError(
                "UiTdatabank kent deze activiteit niet (meer).", retryable=False, status=status
            )
        if 400 <= status < 500 and status != 429:
            raise EntryApiError(
                f"UiTdatabank weigerde de activiteit: {_problem_text(payload)}",
                retryable=False,
                status=status,
            )
        raise self._server_error(status, payload, what="UiTdatabank")

    @staticmethod
    def _server_error(status: int, payload: bytes, *, what: str) -> EntryApiError:
        return EntryApiError(
            f"{what} is tijdelijk niet beschikbaar ({status}: {_problem_text(payload)[:200]}).",
            retryable=True,
            status=status,
        )

    def _send(self, method: str, url: str, *, body: bytes, token: str | None) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except TimeoutError:
            raise EntryApiError(
                f"UiTdatabank antwoordde niet binnen {self.config.timeout:g} seconden.",
                retryable=True,
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise EntryApiError(
                    f"UiTdatabank antwoordde niet binnen {self.config.timeout:g} seconden.",
                    retryable=True,
                ) from None
            raise EntryApiError(
                f"UiTdatabank is niet bereikbaar ({reason}).", retryable=True
            ) from None
