"""Full-page cache for anonymous visitors, with exact purges (docs/caching.md).

Ground floor: imports home, wagtail and django only. Components above plug in through
`pagecache.registry` (what lists a page, which models' changes purge what) and lower a cached
page's lifetime with `expires_at` where they render time-bound content."""

from pagecache.lifetime import expires_at

__all__ = ["expires_at"]
