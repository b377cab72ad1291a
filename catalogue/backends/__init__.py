from catalogue.backends.base import (
    CatalogueBackendProtocol,
    CatalogueUnavailable,
    SearchQuery,
    SearchResults,
)


def backend_for(*, backend: str, profile: str) -> CatalogueBackendProtocol:
    """The backend a catalogue page is configured with, for the site's library profile."""
    if backend == "cultuurconnect":
        from catalogue.backends.cultuurconnect import CultuurconnectBackend

        return CultuurconnectBackend(profile=profile or "zbb")
    from catalogue.backends.local import LocalBackend

    return LocalBackend(profile=profile)


__all__ = [
    "CatalogueBackendProtocol",
    "CatalogueUnavailable",
    "SearchQuery",
    "SearchResults",
    "backend_for",
]
