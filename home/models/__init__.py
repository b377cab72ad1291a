from .pages import BasePage, HomePage, SingletonIntroPage
from .settings import (
    BrandingSettings,
    ContactSettings,
    IdentitySettings,
    IntegrationSettings,
    NavigationSettings,
)
from .tenancy import REGION_MEMBER_KINDS, RegionMunicipality, SiteKind, Tenant

__all__ = [
    "BasePage",
    "BrandingSettings",
    "ContactSettings",
    "HomePage",
    "IdentitySettings",
    "IntegrationSettings",
    "NavigationSettings",
    "REGION_MEMBER_KINDS",
    "RegionMunicipality",
    "SingletonIntroPage",
    "SiteKind",
    "Tenant",
]
