from .pages import BasePage, HomePage
from .settings import (
    BrandingSettings,
    ContactSettings,
    IdentitySettings,
    IntegrationSettings,
    NavigationSettings,
)
from .tenancy import SiteKind, Tenant

__all__ = [
    "BasePage",
    "BrandingSettings",
    "ContactSettings",
    "HomePage",
    "IdentitySettings",
    "IntegrationSettings",
    "NavigationSettings",
    "SiteKind",
    "Tenant",
]
