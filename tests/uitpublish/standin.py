"""A local stand-in of the UiTdatabank Entry API and the publiq token server, run in a thread
by the tests: it answers in the documented shapes (201 with id and url on POST /events, 204 on
the updates and on DELETE, which marks the event DELETED, application/problem+json on
refusals) and records every request it got.

`fail` makes the next requests fail: a list of "token401", "401", "400", "500", "slow"."""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    body: dict
    authorization: str
    at: float


@dataclass
class EntryApiStandIn:
    server: ThreadingHTTPServer = None
    thread: threading.Thread = None
    requests: list[Received] = field(default_factory=list)
    events: dict[str, dict] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    fail: list[str] = field(default_factory=list)
    slow_seconds: float = 2.0

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def calls(self, method: str | None = None, path_prefix: str = "/events") -> list[Received]:
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and r.path.startswith(path_prefix)
        ]

    def start(self) -> EntryApiStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                return

            def _answer(self, status: int, payload=None, content_type="application/json"):
                body = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                if body:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def _problem(self, status: int, title: str, detail: str = "", **extra):
                self._answer(
                    status,
                    {
                        "type": "https://api.publiq.be/probs/body/invalid-data",
                        "title": title,
                        "status": status,
                        "detail": detail,
                        **extra,
                    },
                    content_type="application/problem+json",
                )

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else {}
                except json.JSONDecodeError:
                    body = {}
                standin.requests.append(
                    Received(
                        method=self.command,
                        path=self.path,
                        body=body,
                        authorization=self.headers.get("Authorization", ""),
                        at=time.monotonic(),
                    )
                )
                failure = standin.fail[0] if standin.fail else ""
                if self.path == "/oauth/token":
                    if failure == "token401":
                        standin.fail.pop(0)
                        return self._answer(401, {"error": "invalid_client"})
                    if body.get("grant_type") != "client_credentials" or not body.get("client_id"):
                        return self._answer(400, {"error": "invalid_request"})
                    token = uuid.uuid4().hex
                    standin.tokens.add(token)
                    return self._answer(
                        200, {"access_token": token, "expires_in": 86400, "token_type": "Bearer"}
                    )
                if not self.path.startswith("/events"):
                    return self._problem(404, "Not Found")
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if failure == "401":
                    standin.fail.pop(0)
                    standin.tokens.discard(token)
                if token not in standin.tokens:
                    return self._problem(401, "Unauthorized", "Token expired")
                if failure in ("400", "500", "slow"):
                    standin.fail.pop(0)
                    if failure == "slow":
                        time.sleep(standin.slow_seconds)
                        return self._answer(201, {"id": "te-laat"})
                    if failure == "500":
                        return self._answer(500, {"title": "Internal Server Error"})
                    return self._problem(
                        400,
                        "Invalid body data",
                        schemaErrors=[
                            {"jsonPointer": "/name/nl", "error": "Minimum string length is 2."}
                        ],
                    )
                parts = self.path.strip("/").split("/")
                if self.command == "POST" and parts == ["events"]:
                    missing = [
                        key
                        for key in ("mainLanguage", "name", "calendarType", "location", "terms")
                        if key not in body
                    ]
                    if missing:
                        return self._problem(
                            400,
                            "Invalid body data",
                            schemaErrors=[
                                {"jsonPointer": "/", "error": f"Required property {key} missing"}
                                for key in missing
                            ],
                        )
                    event_id = str(uuid.uuid4())
                    standin.events[event_id] = body
                    return self._answer(
                        201,
                        {
                            "id": event_id,
                            "url": f"https://io-test.uitdatabank.be/events/{event_id}",
                            "commandId": uuid.uuid4().hex,
                        },
                    )
                if self.command == "PUT" and len(parts) >= 2 and parts[0] == "events":
                    event_id = parts[1]
                    if event_id not in standin.events:
                        return self._problem(404, "Resource not found")
                    if len(parts) == 2:
                        standin.events[event_id] = body
                    elif parts[2] in ("status", "booking-availability"):
                        if body.get("type") not in {
                            "Available",
                            "Unavailable",
                            "TemporarilyUnavailable",
                        }:
                            return self._problem(400, "Invalid body data")
                    else:
                        return self._problem(404, "Not Found")
                    return self._answer(204)
                if self.command == "DELETE" and len(parts) == 2 and parts[0] == "events":
                    if parts[1] not in standin.events:
                        return self._problem(404, "Resource not found")
                    # The Entry API keeps the event with workflowStatus DELETED.
                    standin.events[parts[1]]["workflowStatus"] = "DELETED"
                    return self._answer(204)
                return self._problem(405, "Method not allowed")

            do_POST = _handle  # noqa: N815
            do_PUT = _handle  # noqa: N815
            do_DELETE = _handle  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self, **extra) -> dict:
        return {
            "UITDATABANK_ENTRY_URL": self.url,
            "UITPUBLISH_TOKEN_URL": f"{self.url}/oauth/token",
            "UITPUBLISH_CLIENT_ID": "bibnet-test",
            "UITPUBLISH_CLIENT_SECRET": "geheim",
            "UITPUBLISH_TIMEOUT": 0.5,
            **extra,
        }
