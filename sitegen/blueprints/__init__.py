"""The blueprints of the network, one per kind of site."""

from home.models import SiteKind

from .base import Blueprint, Branding, PageSpec
from .community_centre import COMMUNITY_CENTRE
from .cultural_centre import CULTURAL_CENTRE
from .library import LIBRARY
from .network import NETWORK
from .regional import REGIONAL_CULTURE, REGIONAL_LIBRARY

BLUEPRINTS: dict[str, Blueprint] = {
    SiteKind.LIBRARY: LIBRARY,
    SiteKind.CULTURAL_CENTRE: CULTURAL_CENTRE,
    SiteKind.COMMUNITY_CENTRE: COMMUNITY_CENTRE,
    SiteKind.REGIONAL_LIBRARY: REGIONAL_LIBRARY,
    SiteKind.REGIONAL_CULTURE: REGIONAL_CULTURE,
    SiteKind.NETWORK: NETWORK,
}


def blueprint_for(kind: str) -> Blueprint:
    try:
        return BLUEPRINTS[kind]
    except KeyError:
        raise KeyError(kind) from None


__all__ = ["BLUEPRINTS", "Blueprint", "Branding", "PageSpec", "blueprint_for"]
