"""Spam protection: registrations accepted per client address, site and window."""

from django.core.cache import cache

# Registrations accepted per client address and window (Django cache).
RATE_LIMIT_COUNT = 10
RATE_LIMIT_WINDOW = 600  # seconds


def client_rate_limited(*, address: str, site_id: int) -> bool:
    """Count one registration attempt for a client address on one site; True once over the
    limit. Keyed on both, so a visitor's budget on one site does not eat into another's (a
    family registering at their library and at their cultuurcentrum)."""
    key = f"registrations:rate:{site_id}:{address or 'unknown'}"
    cache.add(key, 0, RATE_LIMIT_WINDOW)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RATE_LIMIT_WINDOW)
        attempts = 1
    return attempts > RATE_LIMIT_COUNT
