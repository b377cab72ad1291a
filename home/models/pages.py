from typing import ClassVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Subquery
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.search import index

from home.blocks import ContentStreamBlock
from home.contributions import home_page_context_for
from home.routing import ANCESTORS_ATTRIBUTE
from home.validators import validate_site_references

from .tenancy import Tenant


class BasePage(Page):
    """Shared by every page type: SEO and social fields, and site-scoped references."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("afbeelding voor sociale media"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Getoond wanneer iemand de pagina deelt. Minstens 1200 x 630 pixels."),
    )

    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
                FieldPanel("social_image"),
            ],
            heading=_("Zoekmachines en sociale media"),
        ),
        FieldPanel("show_in_menus"),
    ]

    # The kinds of site (SiteKind values) whose trees may hold this page type; empty: every
    # kind. Wagtail's page-type chooser ("Pagina toevoegen"), create and move views ask
    # can_create_at / can_move_to, so neither a local nor a central editor is offered the
    # network's agenda on a library's home page. A move checks every page of the moved
    # subtree (subtree_misfits). A page outside any provisioned site (no Tenant) is not
    # restricted.
    site_kinds: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    @staticmethod
    def site_kind_at(parent: Page) -> str | None:
        """The kind of the provisioned site that `parent` belongs to; None outside one."""
        site = parent.get_site()
        if site is None:
            return None
        return Tenant.objects.filter(site_id=site.pk).values_list("kind", flat=True).first()

    @classmethod
    def fits_site_of(cls, parent: Page) -> bool:
        """Whether this page type may stand in the site that `parent` belongs to."""
        if not cls.site_kinds:
            return True
        kind = BasePage.site_kind_at(parent)
        return kind is None or kind in cls.site_kinds

    @classmethod
    def can_create_at(cls, parent: Page) -> bool:
        return super().can_create_at(parent) and cls.fits_site_of(parent)

    def can_move_to(self, parent: Page) -> bool:
        return super().can_move_to(parent) and not self.subtree_misfits(parent)

    @cached_property
    def subtree_restricted_types(self) -> list[type[Page]]:
        """The page types with a site-kind rule among this page and the pages under it, in one
        query. Kept on the instance: Wagtail's move chooser asks can_move_to once for every
        destination it lists, for the same page."""
        subtree = Page.objects.descendant_of(self, inclusive=True).values("content_type_id")
        models = {ct.model_class() for ct in ContentType.objects.filter(pk__in=subtree)}
        return sorted(
            (model for model in models if getattr(model, "site_kinds", ())),
            key=lambda model: model._meta.label,
        )

    def subtree_misfits(self, parent: Page) -> list[type[Page]]:
        """The page types of this page and of the pages under it that may not stand in the
        site that `parent` belongs to: a move takes the whole subtree along."""
        restricted = self.subtree_restricted_types
        if not restricted:
            return []
        kind = BasePage.site_kind_at(parent)
        if kind is None:
            return []
        return [model for model in restricted if kind not in model.site_kinds]

    def clean(self) -> None:
        super().clean()
        validate_site_references(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["breadcrumbs"] = self.breadcrumbs(request=request)
        return context

    def breadcrumbs(self, *, request=None) -> list[tuple[str, str]]:
        """(title, url) of the pages from the site's home page down to this page's parent;
        empty on the home page. One query."""
        site = Site.find_for_request(request) if request is not None else self.get_site()
        if site is None or self.pk == site.root_page_id or self.depth <= 2:
            return []
        routed = getattr(self, ANCESTORS_ATTRIBUTE, None)
        if routed is not None:
            # Routing (home.routing) read them already, from the home page down.
            root_path = routed[0].url_path
            return [(page.title, "/" + page.url_path[len(root_path) :]) for page in routed]
        root_depth = site.root_page.depth
        ancestors = (
            Page.objects.ancestor_of(self)
            .filter(depth__gte=root_depth)
            .order_by("depth")
            .only("id", "title", "url_path", "depth")
        )
        root_path = site.root_page.url_path
        return [
            (page.title, "/" + page.url_path[len(root_path) :])
            for page in ancestors
            if page.url_path.startswith(root_path)
        ]

    def get_view_restrictions(self):
        """Wagtail's (the restrictions of this page and its ancestors, an alias's of its
        source) in one query instead of two: alias pages carry no restrictions of their own.
        Empty without a query when routing (home.routing) found that none applies."""
        if getattr(self, "unrestricted", False):
            return PageViewRestriction.objects.none()
        steps = range(self.steplen, len(self.path) + 1, self.steplen)
        paths = [self.path[:end] for end in steps]
        sources = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of")
        return PageViewRestriction.objects.filter(
            Q(page__path__in=paths) | Q(page_id__in=Subquery(sources))
        )

    def get_site_root(self) -> Page | None:
        site = self.get_site()
        return site.root_page if site else None


class SingletonIntroPage(BasePage):
    """The frame of a page type that stands once under a site's home page, with an intro and
    no children, and whose content is computed when a visitor asks (the network's agenda,
    search, map and "in de buurt"). Subclasses set their Meta and get_context."""

    intro = models.TextField(_("inleiding"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        abstract = True


class HomePage(BasePage):
    intro = models.TextField(_("inleiding"), blank=True, max_length=600)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hoofdafbeelding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Een brede foto bovenaan de startpagina, minstens 1600 pixels breed."),
    )
    hero_image_alt = models.CharField(
        _("beschrijving van de hoofdafbeelding"),
        max_length=250,
        blank=True,
        help_text=_(
            "Verplicht bij een afbeelding: beschrijf in een zin wat erop staat, voor wie "
            "de afbeelding niet ziet."
        ),
    )
    body = StreamField(ContentStreamBlock, verbose_name=_("inhoud"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("hero_image"), FieldPanel("hero_image_alt")],
            heading=_("Hoofdafbeelding"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    # One home page per site: it sits right under the tree root.
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("startpagina")
        verbose_name_plural = _("startpagina's")

    def clean(self) -> None:
        super().clean()
        self.hero_image_alt = self.hero_image_alt.strip()
        if self.hero_image_id and not self.hero_image_alt:
            raise ValidationError(
                {
                    "hero_image_alt": _(
                        "Beschrijf de hoofdafbeelding: wie de afbeelding niet ziet, leest "
                        "deze tekst."
                    )
                }
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # What components contribute (latest news: library_pages); locations with today's
        # hours come with the site shell (home.shell).
        context.update(home_page_context_for(page=self, request=request))
        return context
