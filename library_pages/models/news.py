from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, Site
from wagtail.search import index

from home.blocks import ContentStreamBlock
from home.models import BasePage
from home.selectors import public_pages
from library_pages.news_sources import news_sources

NEWS_PER_PAGE = 12


class NewsIndexPage(BasePage):
    intro = models.TextField(_("inleiding"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["library_pages.NewsPage"]
    max_count_per_parent = 1
    # The page cache keys on the page number and drops any other query parameter.
    cache_query_params = ("pagina",)

    class Meta:
        verbose_name = _("nieuwsoverzicht")
        verbose_name_plural = _("nieuwsoverzichten")

    def news_pages(self):
        return (
            public_pages(NewsPage.objects.live())
            .child_of(self)
            .select_related("image")
            .order_by("-date", "-pk")
        )

    def news_listing(self, *, site: Site | None) -> list:
        """The index's own news pages and what registered sources (library_pages.news_sources:
        central news, for one) have for the site, newest first."""
        own = list(self.news_pages())
        if site is None:
            return own
        others = news_sources.entries_for_site(site=site)
        if not others:
            return own
        return sorted([*own, *others], key=lambda item: item.date, reverse=True)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read when the template shows it: the page's main content may come from the cache
        # (home.fragments; a news publish or unpublish purges the index).
        context["news_items"] = SimpleLazyObject(lambda: self._news_page(request))
        return context

    def _news_page(self, request):
        news = self.news_listing(site=Site.find_for_request(request))
        paginator = Paginator(news, NEWS_PER_PAGE)
        try:
            page_number = int(request.GET.get("pagina", "1"))
        except (TypeError, ValueError):
            page_number = 1
        try:
            return paginator.page(page_number)
        except (EmptyPage, PageNotAnInteger):
            return paginator.page(paginator.num_pages if page_number > 1 else 1)


class NewsPage(BasePage):
    date = models.DateField(_("datum"), default=timezone.localdate)
    intro = models.TextField(_("inleiding"), max_length=600)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("afbeelding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ContentStreamBlock, verbose_name=_("inhoud"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["library_pages.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("nieuwsbericht")
        verbose_name_plural = _("nieuwsberichten")
        ordering = ["-date"]
