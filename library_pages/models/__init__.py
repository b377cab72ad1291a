from .content import ContactPage, SitemapPage, StandardPage
from .locations import (
    ExceptionalHours,
    LocationIndexPage,
    LocationPage,
    OpeningHoursSpan,
)
from .news import NewsIndexPage, NewsPage

__all__ = [
    "ContactPage",
    "ExceptionalHours",
    "LocationIndexPage",
    "LocationPage",
    "NewsIndexPage",
    "NewsPage",
    "OpeningHoursSpan",
    "SitemapPage",
    "StandardPage",
]
