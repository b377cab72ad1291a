"""The agenda's pages: a site's EventIndexPage and the EventPages under it."""

from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import quote_plus

from django.core.validators import MaxValueValidator
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from events import taxonomy
from events.forms import FILTER_FIELDS, EventPageForm
from events.models.choices import AttendanceMode, BookingAvailability, EventStatus
from events.panels import EventDatesPanel
from home.blocks import RICH_TEXT_FEATURES
from home.models import BasePage
from home.models.tenancy import Province
from home.wiring import SetInReady
from library_pages.models.locations import latitude_field, longitude_field
from registrations.models import OfferSession, RegistrableMixin


class ImportedHelpPanel(HelpPanel):
    """Tells editors which fields UiTdatabank manages; shown on imported events only."""

    class BoundPanel(HelpPanel.BoundPanel):
        def is_shown(self) -> bool:
            return bool(getattr(self.instance, "uitdatabank_id", "")) and super().is_shown()


class EventIndexPage(RoutablePageMixin, BasePage):
    """A site's agenda. Also carries the site's UiTdatabank selection beyond organizers and
    places (labels, postal codes), and whether regional events of other sites appear."""

    # The query parameters the agenda and its feeds read (AgendaFilterForm's fields and the
    # page number): the page cache keys on these and drops any other.
    cache_query_params = (*FILTER_FIELDS, "pagina")

    intro = models.TextField(_("inleiding"), blank=True, max_length=600)
    include_regional = models.BooleanField(
        _("regionale activiteiten van andere websites tonen"),
        default=False,
        help_text=_(
            "Toon ook activiteiten die andere websites als regionaal aanduiden in de gekozen "
            "provincie. Ze blijven op hun eigen website staan; de agenda linkt ernaar."
        ),
    )
    region = models.CharField(_("regio"), max_length=32, choices=Province.choices, blank=True)
    uitdatabank_labels = models.TextField(
        _("UiTdatabank-labels"),
        blank=True,
        help_text=_("Labels om activiteiten te selecteren, gescheiden door komma's."),
    )
    uitdatabank_postal_codes = models.TextField(
        _("UiTdatabank-postcodes"),
        blank=True,
        help_text=_("Postcodes om activiteiten te selecteren, gescheiden door komma's."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [
        *BasePage.settings_panels,
        MultiFieldPanel(
            [FieldPanel("include_regional"), FieldPanel("region")],
            heading=_("Regionale activiteiten"),
        ),
        MultiFieldPanel(
            [FieldPanel("uitdatabank_labels"), FieldPanel("uitdatabank_postal_codes")],
            heading=_("Selectie uit UiTdatabank"),
            help_text=_("Organisatoren en locaties kies je bij Instellingen → Koppelingen."),
        ),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agenda's")

    @staticmethod
    def _split(value: str) -> list[str]:
        return [item.strip() for item in value.split(",") if item.strip()]

    @property
    def labels(self) -> list[str]:
        return self._split(self.uitdatabank_labels)

    @property
    def postal_codes(self) -> list[str]:
        return self._split(self.uitdatabank_postal_codes)

    # The agenda's views (events.views.agenda and events.views.agenda_feed), provided by
    # EventsConfig.ready(): the views read these models, so the models do not import the views.
    agenda_view: ClassVar[Callable[..., HttpResponse]] = SetInReady(by="EventsConfig.ready()")
    agenda_feed_view: ClassVar[Callable[..., HttpResponse]] = SetInReady(by="EventsConfig.ready()")

    @path("")
    def agenda(self, request):
        return type(self).agenda_view(request, index=self)

    @path("ical/")
    def feed_ical(self, request):
        return type(self).agenda_feed_view(request, index=self, kind="ics")

    @path("rss/")
    def feed_rss(self, request):
        return type(self).agenda_feed_view(request, index=self, kind="rss")

    @path("atom/")
    def feed_atom(self, request):
        return type(self).agenda_feed_view(request, index=self, kind="atom")

    @path("json/")
    def feed_json(self, request):
        return type(self).agenda_feed_view(request, index=self, kind="json")


class EventPage(RegistrableMixin, BasePage):
    """An event. Registration (when the editor turns it on) runs through the shared engine in
    registrations/: RegistrableMixin brings the fields, the routes and the form's context."""

    base_form_class = EventPageForm

    intro = models.TextField(_("korte beschrijving"), blank=True, max_length=600)
    description = RichTextField(_("beschrijving"), blank=True, features=RICH_TEXT_FEATURES)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("afbeelding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_url = models.URLField(_("afbeelding uit UiTdatabank"), blank=True, max_length=500)
    event_type = models.CharField(
        _("soort activiteit"),
        max_length=32,
        blank=True,
        choices=taxonomy.choices(taxonomy.EVENT_TYPES),
    )
    theme = models.CharField(
        _("thema"), max_length=32, blank=True, choices=taxonomy.choices(taxonomy.THEMES)
    )
    facilities = models.JSONField(
        _("toegankelijkheid"),
        default=list,
        blank=True,
        help_text=_("Voorzieningen (UiTdatabank-id's)."),
    )
    age_min = models.PositiveSmallIntegerField(
        _("vanaf leeftijd"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("tot en met leeftijd"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    is_free = models.BooleanField(_("gratis"), default=False)
    price_info = models.JSONField(
        _("prijzen"),
        default=list,
        blank=True,
        help_text=_('Lijst van prijscategorieën, bv. [{"name": "Basistarief", "price": 5}].'),
    )
    booking_url = models.URLField(_("link om te reserveren"), blank=True, max_length=500)
    booking_email = models.EmailField(_("e-mail om te reserveren"), blank=True)
    booking_phone = models.CharField(_("telefoon om te reserveren"), max_length=40, blank=True)
    booking_info = models.CharField(_("uitleg bij reserveren"), max_length=300, blank=True)
    # Most events need no registration: off unless the editor turns it on.
    registration_required = models.BooleanField(
        _("inschrijving via de website"),
        default=False,
        help_text=_("Bezoekers schrijven zich in via een formulier op deze pagina."),
    )
    organizer_name = models.CharField(_("organisator"), max_length=200, blank=True)
    organizer_url = models.URLField(_("website van de organisator"), blank=True, max_length=500)
    location_page = models.ForeignKey(
        "library_pages.LocationPage",
        verbose_name=_("locatie van de website"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Laat leeg en vul hieronder een adres in voor een andere plaats."),
    )
    place_name = models.CharField(_("naam van de plaats"), max_length=200, blank=True)
    street = models.CharField(_("straat en nummer"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("gemeente"), max_length=100, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    status_reason = models.CharField(_("reden van de status"), max_length=300, blank=True)
    regional = models.BooleanField(
        _("regionale activiteit"),
        default=False,
        help_text=_("Ook tonen in de agenda's van andere websites in dezelfde provincie."),
    )
    region = models.CharField(_("provincie"), max_length=32, choices=Province.choices, blank=True)
    local_note = RichTextField(
        _("lokale aanvulling"),
        blank=True,
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Extra uitleg van jullie bib of centrum, ook bij activiteiten uit UiTdatabank."
        ),
    )
    # What UiTdatabank says beyond the fields editors fill in; written by the import only.
    event_type_name = models.CharField(max_length=100, blank=True, editable=False)
    theme_name = models.CharField(max_length=100, blank=True, editable=False)
    facility_names = models.JSONField(default=dict, blank=True, editable=False)
    booking_starts = models.DateTimeField(null=True, blank=True, editable=False)
    booking_ends = models.DateTimeField(null=True, blank=True, editable=False)
    booking_availability = models.CharField(
        max_length=20, choices=BookingAvailability.choices, blank=True, editable=False
    )
    contact_point = models.JSONField(default=dict, blank=True, editable=False)
    performers = models.JSONField(default=list, blank=True, editable=False)
    attendance_mode = models.CharField(
        _("deelname"),
        max_length=10,
        choices=AttendanceMode.choices,
        default=AttendanceMode.OFFLINE,
        editable=False,
    )
    online_url = models.URLField(blank=True, max_length=500, editable=False)
    videos = models.JSONField(default=list, blank=True, editable=False)
    birthdate_from = models.DateField(null=True, blank=True, editable=False)
    birthdate_to = models.DateField(null=True, blank=True, editable=False)
    closed_days = models.JSONField(default=list, blank=True, editable=False)
    uitdatabank_id = models.URLField(
        _("UiTdatabank-id"), blank=True, max_length=300, db_index=True, editable=False
    )
    # sha256 of the source document as received (events.uitdatabank.document_hash): an
    # unchanged document is skipped before any parsing or page work.
    uitdatabank_hash = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        ImportedHelpPanel(
            template="events/admin/imported_help.html",
            heading=_("Beheerd door UiTdatabank"),
        ),
        FieldPanel("intro"),
        FieldPanel("description"),
        FieldPanel("image"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("event_type"), FieldPanel("theme")]),
                FieldRowPanel([FieldPanel("age_min"), FieldPanel("age_max")]),
            ],
            heading=_("Soort en publiek"),
        ),
        EventDatesPanel("dates", heading=_("Wanneer"), label=_("Datum"), min_num=0),
        InlinePanel(
            "changes",
            heading=_("Eén datum annuleren of verplaatsen"),
            label=_("Wijziging"),
        ),
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("status_reason")],
            heading=_("Status van de hele activiteit"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("location_page"),
                FieldPanel("place_name"),
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postal_code"), FieldPanel("city")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
            ],
            heading=_("Plaats"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("is_free"),
                FieldPanel("price_info"),
                FieldPanel("booking_info"),
                FieldPanel("booking_url"),
                FieldRowPanel([FieldPanel("booking_email"), FieldPanel("booking_phone")]),
            ],
            heading=_("Prijs en reserveren"),
        ),
        *RegistrableMixin.registration_panels,
        MultiFieldPanel(
            [FieldPanel("organizer_name"), FieldPanel("organizer_url")],
            heading=_("Organisator"),
        ),
        FieldPanel("facilities"),
        FieldPanel("local_note"),
    ]
    settings_panels = [
        *BasePage.settings_panels,
        MultiFieldPanel([FieldPanel("regional"), FieldPanel("region")], heading=_("Regionaal")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("description"),
        index.SearchField("place_name"),
        index.FilterField("event_type"),
        index.FilterField("theme"),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("activiteit")
        verbose_name_plural = _("activiteiten")

    @property
    def is_imported(self) -> bool:
        return bool(self.uitdatabank_id)

    def full_clean(self, *args, exclude=None, **kwargs):
        # UiTdatabank's taxonomies grow: an imported id we do not list yet is kept (and shown
        # with the document's label), never a validation error that loses the event.
        if self.uitdatabank_id:
            exclude = {*(exclude or ()), "event_type", "theme"}
        return super().full_clean(*args, exclude=exclude, **kwargs)

    def clean_fields(self, exclude=None):
        # The same for the bulk creator of the import, which validates with clean_fields only.
        if self.uitdatabank_id:
            exclude = {*(exclude or ()), "event_type", "theme"}
        return super().clean_fields(exclude=exclude)

    @property
    def event_type_label(self) -> str:
        return taxonomy.EVENT_TYPES.get(self.event_type, "") or self.event_type_name

    @property
    def theme_label(self) -> str:
        return taxonomy.THEMES.get(self.theme, "") or self.theme_name

    @property
    def facility_labels(self) -> list[str]:
        names = self.facility_names or {}
        labels = [taxonomy.FACILITIES.get(item) or names.get(item) for item in self.facilities]
        return [label for label in labels if label]

    @property
    def birthdate_label(self) -> str:
        if not (self.birthdate_from and self.birthdate_to):
            return ""
        from django.utils.formats import date_format

        return _("geboren tussen %(from)s en %(to)s") % {
            "from": date_format(self.birthdate_from, "j F Y"),
            "to": date_format(self.birthdate_to, "j F Y"),
        }

    @property
    def age_label(self) -> str:
        if self.age_min is None and self.age_max is None:
            return ""
        if self.age_max is None:
            return _("vanaf %(min)s jaar") % {"min": self.age_min}
        if self.age_min is None or self.age_min == 0:
            return _("tot %(max)s jaar") % {"max": self.age_max}
        return _("%(min)s tot %(max)s jaar") % {"min": self.age_min, "max": self.age_max}

    @property
    def place(self) -> dict:
        """The address shown and marked up: the site's location page, or the external place."""
        if self.location_page_id and self.location_page:
            location = self.location_page
            return {
                "name": location.title,
                "street": location.street,
                "postal_code": location.postal_code,
                "city": location.city,
                "latitude": location.latitude,
                "longitude": location.longitude,
                "page": location,
            }
        return {
            "name": self.place_name,
            "street": self.street,
            "postal_code": self.postal_code,
            "city": self.city,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "page": None,
        }

    @property
    def map_url(self) -> str:
        place = self.place
        if place["latitude"] is not None and place["longitude"] is not None:
            return (
                f"https://www.openstreetmap.org/?mlat={place['latitude']}"
                f"&mlon={place['longitude']}#map=18/{place['latitude']}/{place['longitude']}"
            )
        address = ", ".join(
            part
            for part in (place["street"], f"{place['postal_code']} {place['city']}".strip())
            if part
        )
        if not address:
            return ""
        return f"https://www.openstreetmap.org/search?query={quote_plus(address)}"

    # --- registration engine contract -------------------------------------------------------

    def registration_sessions(self) -> list[OfferSession]:
        """The occurrences that take place, from the dates in memory (also for a revision
        being published); keyed on their start so attendance keys stay stable."""
        from django.utils import timezone

        from events.recurrence import occurrences_expand

        specs = occurrences_expand(
            dates=list(self.dates.all()),
            changes=list(self.changes.all()),
            event_status=self.status,
            today=timezone.localdate(),
        )
        location = self.registration_location()
        return [
            OfferSession(
                key=f"occurrence-{spec.start:%Y%m%dT%H%MZ}",
                title="",
                starts_at=spec.start,
                ends_at=spec.end,
                location=location,
            )
            for spec in specs
            if spec.status not in (EventStatus.CANCELLED, EventStatus.POSTPONED)
        ]

    def registration_location(self) -> str:
        place = self.place
        parts = [place["name"], place["street"], f"{place['postal_code']} {place['city']}".strip()]
        return ", ".join(part for part in parts if part)

    # The event page's context (events.selectors.event_detail_context) and its .ics view
    # (events.views.event_ical), provided by EventsConfig.ready(): the selectors and views read
    # these models, so the models do not import them.
    context_builder: ClassVar[Callable[..., dict[str, Any]]] = SetInReady(by="EventsConfig.ready()")
    ical_view: ClassVar[Callable[..., HttpResponse]] = SetInReady(by="EventsConfig.ready()")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(type(self).context_builder(event=self, request=request))
        return context

    @path("")
    def detail(self, request):
        return self.render(request)

    @path("ical/")
    def ical(self, request):
        return type(self).ical_view(request, event=self)
