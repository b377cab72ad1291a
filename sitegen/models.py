from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from central.models import PageTemplate
from home.models import Tenant


class BlueprintPage(models.Model):
    """Which page of a site came from which blueprint entry.

    Re-applying a blueprint adds entries that have no row yet. A row whose page was deleted
    keeps `page` empty, so a page a local editor removed on purpose is not brought back.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="blueprint_pages")
    key = models.CharField(_("sleutel"), max_length=63)
    page = models.ForeignKey(Page, null=True, on_delete=models.SET_NULL, related_name="+")
    added_in_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="unique_blueprint_page_key")
        ]

    def __str__(self) -> str:
        return f"{self.tenant.slug}:{self.key}"


class PageOrigin(models.Model):
    """The template (and its version) a page was started from, or last brought in step with."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="template_origin")
    template = models.ForeignKey(
        PageTemplate, null=True, on_delete=models.SET_NULL, related_name="derived_pages"
    )
    template_version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.page_id} <- {self.template_id} v{self.template_version}"
