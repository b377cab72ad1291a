"""The page lifetime lives in home (home.lifetime), so the page shell can lower it too; the
cache middleware starts and ends it."""

from home.lifetime import REQUEST_ATTRIBUTE, Lifetime, expires_at, lifetime_end, lifetime_start

__all__ = ["REQUEST_ATTRIBUTE", "Lifetime", "expires_at", "lifetime_end", "lifetime_start"]
