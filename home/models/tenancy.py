"""The tenancy map: which Site, Collection and groups make up one institution's website.

Provisioning (sitegen) writes these rows; the admin scoping (home.wagtail_hooks,
home.selectors) reads them to decide what a local editor may see.
"""

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, Site


class SiteKind(models.TextChoices):
    LIBRARY = "bibliotheek", _("Bibliotheek")
    CULTURAL_CENTRE = "cultuurcentrum", _("Cultuurcentrum")
    COMMUNITY_CENTRE = "gemeenschapscentrum", _("Gemeenschapscentrum")
    # A cooperation of several municipalities (Cultuurconnect's Regiobib and Regio cc): one
    # site over the member municipalities' sites (RegionMunicipality).
    REGIONAL_LIBRARY = "regiobib", _("Regiobib")
    REGIONAL_CULTURE = "regio-cc", _("Regio cc")
    # The one site of the whole network on the landing host (settings.NETWORK_HOSTNAME).
    NETWORK = "netwerk", _("Netwerk")


# Which kind of member site each regional kind gathers.
REGION_MEMBER_KINDS: dict[str, tuple[str, ...]] = {
    SiteKind.REGIONAL_LIBRARY: (SiteKind.LIBRARY,),
    SiteKind.REGIONAL_CULTURE: (SiteKind.CULTURAL_CENTRE, SiteKind.COMMUNITY_CENTRE),
}


class Province(models.TextChoices):
    ANTWERPEN = "antwerpen", "Antwerpen"
    LIMBURG = "limburg", "Limburg"
    OOST_VLAANDEREN = "oost-vlaanderen", "Oost-Vlaanderen"
    VLAAMS_BRABANT = "vlaams-brabant", "Vlaams-Brabant"
    WEST_VLAANDEREN = "west-vlaanderen", "West-Vlaanderen"
    BRUSSEL = "brussel", _("Brussels Hoofdstedelijk Gewest")


class Tenant(models.Model):
    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="tenant")
    slug = models.SlugField(_("slug"), max_length=63, unique=True)
    kind = models.CharField(_("soort"), max_length=32, choices=SiteKind.choices)
    collection = models.OneToOneField(Collection, on_delete=models.PROTECT, related_name="tenant")
    editors_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="edited_tenant"
    )
    moderators_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="moderated_tenant"
    )
    blueprint = models.CharField(_("blauwdruk"), max_length=32)
    blueprint_version = models.PositiveIntegerField(_("blauwdrukversie"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("website")
        verbose_name_plural = _("websites")
        ordering = ["slug"]
        permissions = [("manage_network", _("Kan alle websites van het netwerk beheren"))]

    def __str__(self) -> str:
        return self.site.site_name or self.slug


class RegionMunicipality(models.Model):
    """A municipality that belongs to a regional site (Regiobib, Regio cc).

    The member sites are not stored: they are the sites of the member kinds
    (REGION_MEMBER_KINDS) whose identity has this NIS code, so a library provisioned after the
    region joins it at once.
    """

    region = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="region_municipalities"
    )
    nis_code = models.CharField(_("NIS-code"), max_length=5)
    municipality = models.CharField(_("gemeente"), max_length=100)

    class Meta:
        verbose_name = _("gemeente van een regio")
        verbose_name_plural = _("gemeenten van een regio")
        ordering = ["region", "municipality"]
        constraints = [
            models.UniqueConstraint(fields=["region", "nis_code"], name="region_municipality_once")
        ]
        indexes = [models.Index(fields=["nis_code"])]

    def __str__(self) -> str:
        return f"{self.region.slug}: {self.municipality}"
