from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from home.blocks import ContentStreamBlock
from home.models import BasePage
from library_pages.sitemap import sitemap_tree


class StandardPage(BasePage):
    intro = models.TextField(_("inleiding"), blank=True, max_length=600)
    body = StreamField(ContentStreamBlock, verbose_name=_("inhoud"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    class Meta:
        verbose_name = _("standaardpagina")
        verbose_name_plural = _("standaardpagina's")


class ContactPage(BasePage):
    """Shows the site's contact settings and its locations with today's opening hours
    (both from the site shell, home.shell.site_shell_for_request)."""

    intro = models.TextField(_("inleiding"), blank=True, max_length=600)
    body = StreamField(ContentStreamBlock, verbose_name=_("inhoud"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("contactpagina")
        verbose_name_plural = _("contactpagina's")


class SitemapPage(BasePage):
    """The site's pages as a nested list for people (sitemap.xml is for search engines).

    Shows the sections under the home page and their pages; a section with many pages (an
    agenda, the news) shows only its link and how many pages it holds."""

    MAX_CHILDREN = 12

    intro = models.TextField(_("inleiding"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("sitemap")
        verbose_name_plural = _("sitemaps")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        site = Site.find_for_request(request) or self.get_site()
        context["sitemap"] = (
            sitemap_tree(root=site.root_page, max_children=self.MAX_CHILDREN) if site else []
        )
        return context
