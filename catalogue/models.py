"""The local catalogue index (records imported from Open Vlacc MARC21 with their holdings per
branch), the import log, and the catalogue search page every library site gets."""

from collections.abc import Callable
from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Page

from catalogue.backends.base import FACETS
from home.models import BasePage, SiteKind
from home.wiring import SetInReady


class Record(models.Model):
    """One bibliographic record, keyed on its MARC 001. Search columns are derived at import:
    `search_vector` is filled by a PostgreSQL trigger (weighted title > author > subjects >
    rest, 'dutch' configuration); `search_text` serves the SQLite fallback."""

    record_id = models.CharField(_("recordnummer"), max_length=64, primary_key=True)
    title = models.CharField(_("titel"), max_length=500)
    subtitle = models.CharField(_("ondertitel"), max_length=500, blank=True)
    responsibility = models.CharField(_("verantwoordelijkheid"), max_length=500, blank=True)
    authors = models.JSONField(_("auteurs"), default=list, blank=True)
    edition = models.CharField(_("editie"), max_length=200, blank=True)
    publisher = models.CharField(_("uitgever"), max_length=300, blank=True)
    place = models.CharField(_("plaats van uitgave"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("jaar"), null=True, blank=True)
    physical_description = models.CharField(_("beschrijving"), max_length=300, blank=True)
    series = models.JSONField(_("reeks"), default=list, blank=True)
    other_titles = models.JSONField(_("andere titels"), default=list, blank=True)
    subjects = models.JSONField(_("onderwerpen"), default=list, blank=True)
    theme_words = models.JSONField(_("Vlaamse trefwoorden"), default=list, blank=True)
    genres = models.JSONField(_("genres"), default=list, blank=True)
    summary = models.TextField(_("samenvatting"), blank=True)
    audience = models.CharField(_("doelgroep"), max_length=40, blank=True)
    audience_note = models.CharField(_("doelgroep (beschrijving)"), max_length=300, blank=True)
    age_min = models.PositiveSmallIntegerField(_("vanaf leeftijd"), null=True, blank=True)
    isbns = models.JSONField(_("ISBN's"), default=list, blank=True)
    language = models.CharField(_("taal"), max_length=3, blank=True)
    languages = models.JSONField(_("talen"), default=list, blank=True)
    siso = models.CharField(_("SISO"), max_length=40, blank=True)
    material = models.CharField(_("materiaal"), max_length=40)
    fiction = models.BooleanField(_("fictie"), null=True, blank=True)
    work_key = models.CharField(_("werksleutel"), max_length=32)
    cover_url = models.URLField(_("omslag"), max_length=500, blank=True)
    acquired_on = models.DateField(_("aanwinst sinds"), null=True, blank=True)
    author_text = models.TextField(blank=True, editable=False)
    subject_text = models.TextField(blank=True, editable=False)
    title_norm = models.CharField(max_length=500, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    facet_keys = models.JSONField(default=list, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # 0-1023, from a hash of the work key (set by the PostgreSQL trigger): fixed, uniform samples
    # of the catalogue that hold whole works, from which very broad searches estimate counts.
    sample_key = models.PositiveSmallIntegerField(db_default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("catalogusrecord")
        verbose_name_plural = _("catalogusrecords")
        indexes = [
            models.Index(fields=["acquired_on"], name="catalogue_record_acquired"),
            # Exact and prefix title matches (LIKE 'title%') in any collation, and the title
            # order (byte order, `USING ~<~`) that broad searches walk; ties on the title are
            # put in record id order by an incremental sort.
            models.Index(
                fields=["title_norm"],
                name="catalogue_record_title",
                opclasses=["varchar_pattern_ops"],
            ),
            # The "newest" order that broad searches walk (records without a year last; an
            # expression because SQLite indexes accept no NULLS LAST).
            models.Index(
                Coalesce("year", 0).desc(), F("record_id"), name="catalogue_record_newest"
            ),
            # Editions of one work: their count on the results page, the list on a record page.
            models.Index(fields=["work_key"], name="catalogue_record_work"),
            models.Index(fields=["sample_key"], name="catalogue_record_sample"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def main_author(self) -> str:
        return self.authors[0]["name"] if self.authors else ""


class Word(models.Model):
    """The words of titles and author names, for correcting typos in queries (trigram index
    on PostgreSQL): a small table instead of a trigram scan over every title."""

    word = models.CharField(max_length=40, primary_key=True)

    class Meta:
        verbose_name = _("woord")
        verbose_name_plural = _("woorden")

    def __str__(self) -> str:
        return self.word


class Holding(models.Model):
    """Copies of a record at one branch of one library profile (from 852 in the export)."""

    # No single-column indexes: the two composite indexes below serve every lookup, and each
    # extra index slows the import of a million records.
    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="holdings", db_index=False
    )
    profile = models.SlugField(_("catalogusprofiel"), max_length=63, db_index=False)
    branch = models.CharField(_("vestiging"), max_length=200)
    location = models.CharField(_("plaats in de bib"), max_length=200, blank=True)
    shelf_mark = models.CharField(_("plaatskenmerk"), max_length=100, blank=True)
    available = models.BooleanField(_("beschikbaar"), default=True)
    status = models.CharField(_("status"), max_length=100, blank=True)
    acquired_on = models.DateField(_("aanwinst sinds"), null=True, blank=True)

    class Meta:
        verbose_name = _("exemplaar")
        verbose_name_plural = _("exemplaren")
        indexes = [
            models.Index(fields=["profile", "-acquired_on"], name="catalogue_holding_new"),
            models.Index(fields=["record", "profile"], name="catalogue_holding_record"),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} @ {self.profile}/{self.branch}"


class Recommendation(models.Model):
    """ "Ook iets voor jou": one of the best STORED works to recommend for a work, from the
    nightly batch (catalogue.recommendations). `record` is the recommended work's
    representative edition (most copies, then newest); no foreign key constraint, so that the
    batch can replace the table in one go while records are being imported."""

    pk = models.CompositePrimaryKey("work_key", "rank")
    # "<work_key>:<audience>": a work's editions for another audience get their own list.
    work_key = models.CharField(max_length=80)
    rank = models.PositiveSmallIntegerField()
    record = models.ForeignKey(
        Record, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    recommended_work_key = models.CharField(max_length=80)
    score = models.FloatField()

    class Meta:
        verbose_name = _("aanbeveling")
        verbose_name_plural = _("aanbevelingen")

    def __str__(self) -> str:
        return f"{self.work_key} #{self.rank} -> {self.record_id}"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        REJECTED = "rejected", _("klaar met geweigerde records")
        FAILED = "failed", _("mislukt")

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    sources = models.JSONField(default=list)
    format = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("import van catalogusrecords")
        verbose_name_plural = _("imports van catalogusrecords")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"


COVER_PLACEHOLDERS = ("{isbn}", "{id}")


def validate_cover_url_template(value: str) -> None:
    """An https address (the site's CSP allows images from https: only) with {isbn} or {id}."""
    if not value:
        return
    if not value.startswith("https://") or any(ch.isspace() for ch in value):
        raise ValidationError(_("Geef een adres dat met https:// begint, zonder spaties."))
    if not any(placeholder in value for placeholder in COVER_PLACEHOLDERS):
        raise ValidationError(
            _("Zet {isbn} of {id} in het adres, op de plaats van het ISBN of recordnummer.")
        )


class CataloguePageViews:
    """What a catalogue page answers to visitors: results, a record, Bieblo and suggestions.
    The views live above the models (catalogue.views, which imports the backends, which read
    these models); CatalogueConfig.ready() provides them (home.wiring)."""

    search: Callable[..., Any] = SetInReady(by="CatalogueConfig.ready()")
    record: Callable[..., Any] = SetInReady(by="CatalogueConfig.ready()")
    bieblo: Callable[..., Any] = SetInReady(by="CatalogueConfig.ready()")
    suggest: Callable[..., Any] = SetInReady(by="CatalogueConfig.ready()")


catalogue_page_views = CataloguePageViews()


class CatalogueBackend(models.TextChoices):
    LOCAL = "local", _("Lokale index (geïmporteerde Open Vlacc-records)")
    CULTUURCONNECT = "cultuurconnect", _("Catalogus-webservice van Cultuurconnect")


class CatalogueSearchPage(RoutablePageMixin, BasePage):
    """The site's catalogue: search results with facets, suggestions and record pages.

    The backend is chosen here, per site, so that no shared settings migration is needed; the
    library profile comes from the site's IntegrationSettings.catalogue_profile."""

    # What search_query_from and the suggestions read: the page cache keys on these only.
    cache_query_params = ("q", "sorteer", "pagina", *FACETS, "thema", "leeftijd")

    intro = models.TextField(_("inleiding"), blank=True, max_length=600)
    backend = models.CharField(
        _("zoekmachine"),
        max_length=20,
        choices=CatalogueBackend.choices,
        default=CatalogueBackend.LOCAL,
    )
    reserve_url_template = models.CharField(
        _("link om te reserveren"),
        max_length=500,
        blank=True,
        help_text=_(
            "Adres in het klantensysteem, met {id} voor het recordnummer en {isbn} voor het "
            "ISBN. Bijvoorbeeld https://gent.bibliotheek.be/mijn-bibliotheek/reserveren?id={id}"
        ),
    )

    cover_url_template = models.CharField(
        _("adres van omslagen"),
        max_length=500,
        blank=True,
        validators=[validate_cover_url_template],
        help_text=_(
            "Adres van de omslag bij de omslagdienst van deze bibliotheek, met {isbn} voor het "
            "ISBN-13 of {id} voor het recordnummer, bijvoorbeeld "
            "https://omslagen.example.be/{isbn}.jpg. De browser van de bezoeker haalt de "
            "omslag op; zonder omslag toont de pagina een getekende omslag met titel en auteur. "
            "Leeg: alleen omslagen die in de records zelf staan."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("backend"),
                FieldPanel("reserve_url_template"),
                FieldPanel("cover_url_template"),
            ],
            heading=_("Catalogus"),
        ),
        *Page.settings_panels,
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    # Only the blueprints with a catalogue (a library, a Regiobib) hold one: a cultuurcentrum
    # has no catalogue profile.
    site_kinds = (SiteKind.LIBRARY, SiteKind.REGIONAL_LIBRARY)

    class Meta:
        verbose_name = _("catalogus")
        verbose_name_plural = _("catalogi")

    @path("")
    def search_view(self, request):
        return catalogue_page_views.search(request, page=self)

    @path("titel/<str:record_id>/")
    def record_view(self, request, record_id: str):
        return catalogue_page_views.record(request, page=self, record_id=record_id)

    @path("bieblo/")
    def bieblo_view(self, request):
        return catalogue_page_views.bieblo(request, page=self)

    @path("suggesties/")
    def suggest_view(self, request):
        return catalogue_page_views.suggest(request, page=self)


ACCOUNT_PLACEHOLDERS = ("{profile}",)
RESERVE_PLACEHOLDERS = ("{record_id}", "{id}", "{isbn}")


def _validate_link_template(value: str, *, required: tuple[str, ...] = ()) -> None:
    if not value:
        return
    if not value.startswith("https://") or any(ch.isspace() for ch in value):
        raise ValidationError(_("Geef een adres dat met https:// begint, zonder spaties."))
    if required and not any(placeholder in value for placeholder in required):
        raise ValidationError(
            _("Zet {record_id} of {isbn} in het adres, op de plaats van het recordnummer of ISBN.")
        )


def validate_account_url_template(value: str) -> None:
    """An https address, optionally with {profile} for the site's catalogue profile."""
    _validate_link_template(value)


def validate_reserve_url_template(value: str) -> None:
    """An https address with {record_id} (or {id}) or {isbn}."""
    _validate_link_template(value, required=RESERVE_PLACEHOLDERS)


def account_url_field(label, *, default: str = "", help_text=""):
    return models.CharField(
        label,
        max_length=500,
        blank=True,
        default=default,
        validators=[validate_account_url_template],
        help_text=help_text,
    )


@register_setting(icon="user")
class LibraryAccountSettings(BaseSiteSetting):
    """Mijn Bibliotheek: where a patron's own library account lives, per site. Every address may
    hold {profile}, replaced by the site's catalogue profile (IntegrationSettings); without a
    profile the links that need it are left out."""

    account_url = account_url_field(
        _("Mijn bibliotheek"),
        default="https://{profile}.bibliotheek.be/mijn-bibliotheek",
        help_text=_(
            "Het adres van Mijn Bibliotheek, getoond als link in de kop van elke pagina. "
            "{profile} wordt het catalogusprofiel van deze website. Leeg: geen link."
        ),
    )
    loans_url = account_url_field(_("mijn uitleningen"))
    reservations_url = account_url_field(_("mijn reservaties"))
    renewals_url = account_url_field(
        _("verlengen"), help_text=_("Waar een lener zijn uitleningen verlengt.")
    )
    reserve_url_template = models.CharField(
        _("link om te reserveren"),
        max_length=500,
        blank=True,
        validators=[validate_reserve_url_template],
        help_text=_(
            "De knop ‘Reserveer’ op een titel gaat hierheen: {record_id} wordt het "
            "recordnummer, {isbn} het ISBN, {profile} het catalogusprofiel. Leeg: de link "
            "van de cataloguspagina, of geen knop."
        ),
    )

    panels = [
        FieldPanel("account_url"),
        MultiFieldPanel(
            [FieldPanel("loans_url"), FieldPanel("reservations_url"), FieldPanel("renewals_url")],
            heading=_("Links in Mijn Bibliotheek"),
        ),
        FieldPanel("reserve_url_template"),
    ]

    class Meta:
        verbose_name = _("Mijn Bibliotheek")
