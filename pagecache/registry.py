"""What the components above the ground floor tell the page cache, declared in their
`AppConfig.ready()`:

- `register_lister(fn)`: `fn(page)` names the pages and URLs that list or show `page` (its
  agenda, feeds, regional agendas of other sites, a course index); they are purged with it.
- `register_model(model, targets=fn)`: a change to an instance of `model` (saved, deleted,
  a many-to-many set changed) purges `fn(instance)`: pages, absolute URLs and whole sites.
  Pages that embed the instance (Wagtail's reference index) are always purged too.
- `register_view_params(url_name, params)`: the query parameters a non-page view reads.
  Page types declare theirs as the class attribute `cache_query_params`.

A lister is called once per purged page. When a purge names many pages (an import's commit,
a bulk change), a lister whose answer depends on less than the page (its site, its region)
keeps it with `batch_memo(key, compute)`: computed once per purge, not once per page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models


@dataclass
class PurgeTargets:
    """What to purge: pages (with what lists them), absolute URLs, and whole sites."""

    pages: list[Any] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    site_ids: list[int] = field(default_factory=list)

    def extend(self, other: PurgeTargets) -> None:
        self.pages.extend(other.pages)
        self.urls.extend(other.urls)
        self.site_ids.extend(other.site_ids)


Lister = Callable[[Any], Iterable[Any]]
TargetsFor = Callable[[Any], PurgeTargets]

# What listers computed during the purge under way (pagecache.services works out one purge's
# URLs inside `purge_batch()`); None outside one.
_batch: ContextVar[dict | None] = ContextVar("pagecache_purge_batch", default=None)


@contextmanager
def purge_batch() -> Iterator[None]:
    """The scope of one purge's targets: `batch_memo` keeps its answers until it ends (nested
    scopes share the outer one)."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set({})
    try:
        yield
    finally:
        _batch.reset(token)


def batch_memo(key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()`, once per `key` within the purge under way (every time outside one). The
    answer is shared: callers must not change it."""
    memo = _batch.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


_listers: list[Lister] = []
_models: dict[type[models.Model], ModelRule] = {}
_view_params: dict[str, tuple[str, ...]] = {}


def register_lister(fn: Lister) -> Lister:
    """`fn(page)` returns pages (any Page instance) and/or absolute URLs that list `page`."""
    if fn not in _listers:
        _listers.append(fn)
    return fn


def listers() -> tuple[Lister, ...]:
    return tuple(_listers)


@dataclass(frozen=True)
class ModelRule:
    targets: TargetsFor | None
    # Look the instance up in the reference index (pages that embed it).
    references: bool
    # Also purge what showed the instance before a save (its targeting may have narrowed).
    previous: bool


def register_model(
    model: type[models.Model],
    *,
    targets: TargetsFor | None = None,
    references: bool = True,
    previous: bool = True,
) -> None:
    """Purge what shows an instance of `model` whenever one is saved, deleted or its
    many-to-many sets change."""
    _models[model] = ModelRule(targets=targets, references=references, previous=previous)
    from pagecache import signals

    signals.connect_model(model)


def model_rule(model: type[models.Model]) -> ModelRule | None:
    return _models.get(model)


def registered_models() -> tuple[type[models.Model], ...]:
    return tuple(_models)


def register_view_params(url_name: str, params: Iterable[str]) -> None:
    _view_params[url_name] = tuple(params)


def view_params(url_name: str | None) -> tuple[str, ...] | None:
    if url_name is None:
        return None
    return _view_params.get(url_name)
