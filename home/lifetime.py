"""How long the page being rendered may be cached: rendering code that shows time-bound
content ("Nu open", today's hours, "Binnenkort") names the next moment that content changes,
and the cache keeps the page no longer than that."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass
class Lifetime:
    """The earliest moment the page's content changes on its own (None: not time-bound)."""

    until: dt.datetime | None = None

    def lower(self, when: dt.datetime) -> None:
        if self.until is None or when < self.until:
            self.until = when


_current: ContextVar[Lifetime | None] = ContextVar("pagecache_lifetime", default=None)
REQUEST_ATTRIBUTE = "_pagecache_lifetime"


def expires_at(request: HttpRequest | None, when: dt.datetime | None) -> None:
    """The page rendered for `request` shows something that changes at `when`: cache it no
    longer than that. `request` may be None where the rendering code has none at hand (a
    selector): the lifetime of the page being rendered in this thread is lowered then.
    Outside a cached render (the admin, a command) this does nothing."""
    if when is None:
        return
    lifetime = getattr(request, REQUEST_ATTRIBUTE, None) if request is not None else None
    if lifetime is None:
        lifetime = _current.get()
    if lifetime is not None:
        lifetime.lower(when)


def lifetime_start(request: HttpRequest) -> tuple[Lifetime, object]:
    lifetime = Lifetime()
    setattr(request, REQUEST_ATTRIBUTE, lifetime)
    token = _current.set(lifetime)
    return lifetime, token


def lifetime_end(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


@contextmanager
def lifetime_capture(request: HttpRequest | None = None) -> Iterator[Lifetime]:
    """Collect the moments the code inside names (`expires_at(None, ...)`) in a lifetime of
    its own, for a fragment cached with them; the page being rendered is lowered too."""
    inner = Lifetime()
    token = _current.set(inner)
    try:
        yield inner
    finally:
        _current.reset(token)
        expires_at(request, inner.until)
