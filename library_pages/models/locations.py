from urllib.parse import quote_plus

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from home.blocks import RICH_TEXT_FEATURES
from home.models import BasePage
from library_pages import opening_hours
from library_pages.forms import LocationPageForm

# schema.org types for the venues of each kind of site
SCHEMA_TYPES = {
    "bibliotheek": "Library",
    "cultuurcentrum": "PerformingArtsTheater",
    "gemeenschapscentrum": "CivicStructure",
}


def latitude_field() -> models.DecimalField:
    """WGS84 latitude of a venue, optional (a map link then searches by address)."""
    return models.DecimalField(
        _("breedtegraad"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )


def longitude_field() -> models.DecimalField:
    return models.DecimalField(
        _("lengtegraad"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("maandag")
    TUESDAY = 1, _("dinsdag")
    WEDNESDAY = 2, _("woensdag")
    THURSDAY = 3, _("donderdag")
    FRIDAY = 4, _("vrijdag")
    SATURDAY = 5, _("zaterdag")
    SUNDAY = 6, _("zondag")


class LocationIndexPage(BasePage):
    intro = models.TextField(_("inleiding"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["library_pages.LocationPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("overzicht van locaties")
        verbose_name_plural = _("overzichten van locaties")


class LocationPage(BasePage):
    """A branch or venue: address, contact, accessibility and opening hours."""

    base_form_class = LocationPageForm

    intro = models.TextField(_("inleiding"), blank=True, max_length=600)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("afbeelding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    street = models.CharField(_("straat en nummer"), max_length=200)
    postal_code = models.CharField(
        _("postcode"),
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("Een Belgische postcode heeft 4 cijfers."))],
    )
    city = models.CharField(_("gemeente"), max_length=100)
    latitude = latitude_field()
    longitude = longitude_field()
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    accessibility = RichTextField(
        _("toegankelijkheid"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_("Bijvoorbeeld: rolstoeltoegankelijk, aangepast toilet, ringleiding, parking."),
    )
    branch_code = models.CharField(
        _("vestigingscode in de catalogus"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_(
            "Hoe de catalogus deze vestiging noemt: de code of naam in de exemplaren (852 $b "
            "in de Open Vlacc-export, of de naam in de catalogus-webservice). Leeg: de titel "
            "van deze pagina wordt gebruikt."
        ),
    )
    unstaffed_info = models.TextField(
        _("uitleg bij onbemand open"),
        blank=True,
        max_length=600,
        help_text=_("Hoe kom je binnen tijdens de onbemande uren (bv. met je lidkaart)?"),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("image"),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("city")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Adres"),
        ),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email")], heading=_("Contact")),
        FieldPanel("branch_code"),
        FieldPanel("accessibility"),
        InlinePanel("weekly_hours", heading=_("Openingsuren per week"), label=_("Tijdvak")),
        FieldPanel("unstaffed_info"),
        InlinePanel(
            "exceptional_hours",
            heading=_("Sluitingsdagen en uitzonderlijke openingsuren"),
            label=_("Uitzondering"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("street"),
        index.SearchField("city"),
    ]
    parent_page_types = ["library_pages.LocationIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("locatie")
        verbose_name_plural = _("locaties")

    @property
    def map_url(self) -> str:
        if self.latitude is not None and self.longitude is not None:
            return (
                f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                f"#map=18/{self.latitude}/{self.longitude}"
            )
        query = quote_plus(f"{self.street}, {self.postal_code} {self.city}")
        return f"https://www.openstreetmap.org/search?query={query}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The hours are read for the status, the week table, every service point and the
        # schema.org data: fetch each relation once.
        prefetch_related_objects([self], *hours_prefetches())
        now = timezone.now()
        today = timezone.localdate(now)
        context["status"] = opening_hours.opening_status(location=self, now=now)
        context["schedule"] = opening_hours.week_schedule(location=self, start=today)
        context["service_point_schedules"] = [
            (name, opening_hours.week_schedule(location=self, start=today, service_point=name))
            for name in opening_hours.service_points(location=self)
        ]
        context["exceptions_upcoming"] = opening_hours.exceptions_upcoming(
            location=self, start=today
        )
        context["exceptions_days"] = opening_hours.UPCOMING_EXCEPTION_DAYS
        context["map_url"] = self.map_url
        context["map_tiles"] = settings.MAP_TILE_URL if self.latitude is not None else ""
        context["map_attribution"] = settings.MAP_TILE_ATTRIBUTION
        context["structured_data"] = self.structured_data(request=request, today=today)
        return context

    def structured_data(self, *, request, today) -> dict:
        data = {
            "@context": "https://schema.org",
            "@type": SCHEMA_TYPES.get(self._site_kind(request), "CivicStructure"),
            "name": self.title,
            "url": self.get_full_url(request=request),
            "address": {
                "@type": "PostalAddress",
                "streetAddress": self.street,
                "postalCode": self.postal_code,
                "addressLocality": self.city,
                "addressCountry": "BE",
            },
            "openingHoursSpecification": opening_hours.opening_hours_specification(
                location=self, today=today
            ),
        }
        if self.latitude is not None and self.longitude is not None:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(self.latitude),
                "longitude": float(self.longitude),
            }
        if self.phone:
            data["telephone"] = self.phone
        if self.email:
            data["email"] = self.email
        return data

    def _site_kind(self, request=None) -> str:
        site = Site.find_for_request(request) if request is not None else self.get_site()
        tenant = getattr(site, "tenant", None) if site else None
        return tenant.kind if tenant else ""


class OpeningHoursSpan(Orderable):
    """One opening span on a weekday. A span whose closing time is before its opening time
    runs past midnight into the next day."""

    location = ParentalKey(LocationPage, on_delete=models.CASCADE, related_name="weekly_hours")
    service_point = models.CharField(
        _("dienst"),
        max_length=80,
        blank=True,
        help_text=_("Leeg voor het hele gebouw; anders bv. ‘Makerspace’ of ‘Leescafé’."),
    )
    weekday = models.PositiveSmallIntegerField(_("dag"), choices=Weekday.choices)
    opens = models.TimeField(_("van"))
    closes = models.TimeField(_("tot"))
    unstaffed = models.BooleanField(
        _("onbemand open"),
        default=False,
        help_text=_("Open zonder personeel, bijvoorbeeld met je lidkaart."),
    )

    panels = [
        FieldPanel("service_point"),
        FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]),
        FieldPanel("unstaffed"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("openingsuur")
        verbose_name_plural = _("openingsuren")


class ExceptionalHours(Orderable):
    """A closing day or a period with other hours (a holiday, a summer schedule)."""

    location = ParentalKey(LocationPage, on_delete=models.CASCADE, related_name="exceptional_hours")
    start_date = models.DateField(_("vanaf"))
    end_date = models.DateField(_("tot en met"), null=True, blank=True)
    closed = models.BooleanField(_("gesloten"), default=True)
    opens = models.TimeField(_("open van"), null=True, blank=True)
    closes = models.TimeField(_("open tot"), null=True, blank=True)
    reason = models.CharField(_("reden"), max_length=120)

    panels = [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("closed"),
        FieldRowPanel([FieldPanel("opens"), FieldPanel("closes")]),
        FieldPanel("reason"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("uitzondering")
        verbose_name_plural = _("uitzonderingen")

    @property
    def last_date(self):
        return self.end_date or self.start_date


def hours_prefetches() -> tuple[Prefetch, Prefetch]:
    """Prefetches of a location's hours, in the order the opening-hours engine reads them."""
    return (
        Prefetch("weekly_hours", queryset=OpeningHoursSpan.objects.order_by("weekday", "opens")),
        Prefetch("exceptional_hours", queryset=ExceptionalHours.objects.order_by("start_date")),
    )
