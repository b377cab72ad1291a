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
