"""Central content: what Cultuurconnect's editors keep once and every site uses at run time
(docs/central-content.md). Shared sections that pages embed, page templates that local
editors start a page from, campaigns and alerts, and central news.

These models lived in `sitegen` until the layering of issue #13; they keep their tables
(`db_table`) and their content types moved with them (migration 0001).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Site
from wagtail.search import index

from central.blocks import SharedContentStreamBlock
from home.blocks import ContentStreamBlock
from home.models import SiteKind
from home.models.tenancy import Province
from home.sanitiser import stream_sanitise


class SharedSection(index.Indexed, models.Model):
    """A section central editors keep once and pages embed by reference ("Gedeelde sectie")."""

    title = models.CharField(_("titel"), max_length=120)
    show_title = models.BooleanField(
        _("titel tonen"), default=True, help_text=_("Toon de titel als kop boven de sectie.")
    )
    body = StreamField(SharedContentStreamBlock(), verbose_name=_("inhoud"))
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    panels = [FieldPanel("title"), FieldPanel("show_title"), FieldPanel("body")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        db_table = "sitegen_sharedsection"
        verbose_name = _("gedeelde sectie")
        verbose_name_plural = _("gedeelde secties")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        stream_sanitise(self.body)
        super().save(*args, **kwargs)


class TemplatePageType(models.TextChoices):
    STANDARD = "library_pages.standardpage", _("Standaardpagina")
    NEWS = "library_pages.newspage", _("Nieuwsbericht")


class PageTemplate(index.Indexed, models.Model):
    """A central template a local editor starts a page from. The page is a copy (by design);
    it remembers the template and its version (PageOrigin), so that its editors learn when the
    central version changes. Every content change is kept as a numbered version."""

    name = models.CharField(_("naam van het sjabloon"), max_length=120)
    description = models.TextField(_("beschrijving"), blank=True, max_length=400)
    page_type = models.CharField(
        _("paginatype"),
        max_length=64,
        choices=TemplatePageType.choices,
        default=TemplatePageType.STANDARD,
    )
    title = models.CharField(_("titel van de pagina"), max_length=255)
    intro = models.TextField(_("inleiding"), blank=True, max_length=600)
    body = StreamField(ContentStreamBlock, verbose_name=_("inhoud"), blank=True)
    version = models.PositiveIntegerField(_("versie"), default=0, editable=False)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("page_type"),
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        db_table = "sitegen_pagetemplate"
        verbose_name = _("paginasjabloon")
        verbose_name_plural = _("paginasjablonen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        stream_sanitise(self.body)
        with transaction.atomic():
            super().save(*args, **kwargs)
            content = self.content()
            latest = self.versions.order_by("-number").first()
            if latest is None or latest.content != content:
                self.version = (latest.number if latest else 0) + 1
                PageTemplateVersion.objects.create(
                    template=self, number=self.version, content=content
                )
                PageTemplate.objects.filter(pk=self.pk).update(version=self.version)

    def content(self) -> dict:
        """What a derived page copies: compared between versions."""
        return {"title": self.title, "intro": self.intro, "body": list(self.body.raw_data)}


class PageTemplateVersion(models.Model):
    template = models.ForeignKey(PageTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "sitegen_pagetemplateversion"
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="unique_page_template_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.number}"


class Audience(models.TextChoices):
    ALL = "all", _("Alle websites")
    KIND = "kind", _("Eén soort website")
    PROVINCE = "province", _("Eén provincie")
    SITES = "sites", _("Gekozen websites")


class CampaignStyle(models.TextChoices):
    BANNER = "banner", _("Balk bovenaan elke pagina")
    TEASER = "teaser", _("Blok op de startpagina")


class CampaignTone(models.TextChoices):
    INFO = "info", _("Informatie")
    ALERT = "alert", _("Storing of waarschuwing")


class Campaign(models.Model):
    """A banner or home-page teaser that central editors publish to some or all sites for a
    while. Read by reference on every page view (central.selectors.campaigns_for_site)."""

    title = models.CharField(_("titel"), max_length=120)
    message = models.TextField(_("boodschap"), max_length=400)
    link_url = models.URLField(_("link"), blank=True)
    link_label = models.CharField(_("tekst van de link"), max_length=60, blank=True)
    style = models.CharField(
        _("vorm"), max_length=16, choices=CampaignStyle.choices, default=CampaignStyle.BANNER
    )
    tone = models.CharField(
        _("soort boodschap"), max_length=16, choices=CampaignTone.choices, default=CampaignTone.INFO
    )
    audience = models.CharField(
        _("doelgroep"), max_length=16, choices=Audience.choices, default=Audience.ALL
    )
    target_kind = models.CharField(
        _("soort website"), max_length=32, choices=SiteKind.choices, blank=True
    )
    target_province = models.CharField(
        _("provincie"), max_length=32, choices=Province.choices, blank=True
    )
    target_sites = models.ManyToManyField(
        Site, verbose_name=_("websites"), blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(_("begin"))
    ends_at = models.DateTimeField(_("einde"))

    panels = [
        FieldPanel("title"),
        FieldPanel("message"),
        MultiFieldPanel([FieldPanel("link_url"), FieldPanel("link_label")], heading=_("Link")),
        FieldPanel("style"),
        FieldPanel("tone"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("target_kind"),
                FieldPanel("target_province"),
                FieldPanel("target_sites", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Voor wie"),
        ),
        MultiFieldPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading=_("Wanneer")),
    ]

    class Meta:
        db_table = "sitegen_campaign"
        verbose_name = _("campagne of melding")
        verbose_name_plural = _("campagnes en meldingen")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Het einde moet na het begin liggen.")
        if self.audience == Audience.KIND and not self.target_kind:
            errors["target_kind"] = _("Kies de soort website.")
        if self.audience == Audience.PROVINCE and not self.target_province:
            errors["target_province"] = _("Kies de provincie.")
        if self.link_url and not self.link_label:
            errors["link_label"] = _("Een link heeft een tekst nodig.")
        if errors:
            raise ValidationError(errors)


class CentralNewsItem(index.Indexed, models.Model):
    """A news item written once and listed on the news pages of the chosen sites. It has one
    public address (its canonical URL) on the first chosen site."""

    title = models.CharField(_("titel"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=80)
    date = models.DateField(_("datum"), default=timezone.localdate)
    intro = models.TextField(_("inleiding"), max_length=600)
    body = StreamField(SharedContentStreamBlock(), verbose_name=_("inhoud"), blank=True)
    sites = models.ManyToManyField(Site, verbose_name=_("websites"), related_name="+")
    live = models.BooleanField(_("gepubliceerd"), default=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("sites", widget=forms.CheckboxSelectMultiple),
        FieldPanel("live"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        db_table = "sitegen_centralnewsitem"
        verbose_name = _("netwerknieuws")
        verbose_name_plural = _("netwerknieuws")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        stream_sanitise(self.body)
        super().save(*args, **kwargs)

    @property
    def path(self) -> str:
        return reverse("central_news", kwargs={"pk": self.pk, "slug": self.slug})
