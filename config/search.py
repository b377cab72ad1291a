"""WAGTAILSEARCH_BACKENDS from the environment: the database backend by default, Elasticsearch
or OpenSearch when SEARCH_URL is set (Wagtail's backends, from django-modelsearch).

The client is an optional extra of the project (`pip install -e ".[search]"`: elasticsearch 8);
Elasticsearch 7 or 9 need the matching client major version instead (see docs/catalogue.md).

OpenSearch is refused: its client, opensearch-py, imports a PyPI package named `events`, which
this project's `events` app shadows (and which, installed, could shadow the app)."""

from __future__ import annotations

from importlib.util import find_spec

from django.core.exceptions import ImproperlyConfigured

# SEARCH_BACKEND value -> Wagtail backend module and the client package it imports.
SEARCH_ENGINES: dict[str, tuple[str, str]] = {
    "elasticsearch7": ("wagtail.search.backends.elasticsearch7", "elasticsearch"),
    "elasticsearch8": ("wagtail.search.backends.elasticsearch8", "elasticsearch"),
    "elasticsearch9": ("wagtail.search.backends.elasticsearch9", "elasticsearch"),
}
UNSUPPORTED_ENGINES = {
    "opensearch2": "opensearch-py imports a package named 'events', which the events app shadows",
    "opensearch3": "opensearch-py imports a package named 'events', which the events app shadows",
}
DEFAULT_ENGINE = "elasticsearch8"
DATABASE_BACKEND = {"default": {"BACKEND": "wagtail.search.backends.database"}}


def search_backends(
    *, url: str, engine: str = "", index: str = "", timeout: int = 5
) -> dict[str, dict[str, object]]:
    """The WAGTAILSEARCH_BACKENDS setting. `url`: one or more comma-separated cluster URLs
    (credentials in the URL: https://user:password@host:9200); empty gives the database
    backend. Raises ImproperlyConfigured for an unknown engine or a missing client, so that a
    misconfigured server fails at start and not at the first search."""
    urls = [part.strip() for part in (url or "").split(",") if part.strip()]
    if not urls:
        return DATABASE_BACKEND
    engine = (engine or DEFAULT_ENGINE).strip().lower()
    if engine in UNSUPPORTED_ENGINES:
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND={engine!r} cannot be used in this project: "
            f"{UNSUPPORTED_ENGINES[engine]}. Use an Elasticsearch backend."
        )
    if engine not in SEARCH_ENGINES:
        choices = ", ".join(SEARCH_ENGINES)
        raise ImproperlyConfigured(f"SEARCH_BACKEND={engine!r} is unknown; use one of {choices}.")
    backend, client = SEARCH_ENGINES[engine]
    if find_spec(client) is None:
        raise ImproperlyConfigured(
            f"SEARCH_URL is set but the {client!r} package that {engine} needs is missing: "
            'install the search extra (pip install -e ".[search]").'
        )
    return {
        "default": {
            "BACKEND": backend,
            "URLS": urls,
            # Each indexed model gets its own index, named <prefix><app>_<model>.
            "INDEX_PREFIX": f"{index or 'bibnet'}_",
            "TIMEOUT": timeout,
        }
    }
