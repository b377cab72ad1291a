"""Per-site settings. Local editors get per-site permissions on these (GroupSitePermission),
never the model-level permission, which would open every site's settings."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from home.blocks import NavigationStreamBlock
from home.branding import HEX_COLOUR, WCAG_AA_NORMAL_TEXT, contrast_ratio
from home.models.tenancy import Province, SiteKind
from home.validators import validate_site_references

hex_colour_validator = RegexValidator(
    HEX_COLOUR, _("Geef een kleur in als #rrggbb, bijvoorbeeld #0b5394.")
)


class TextColour(models.TextChoices):
    WHITE = "#ffffff", _("Wit")
    BLACK = "#111111", _("Zwart")


@register_setting(icon="image")
class BrandingSettings(BaseSiteSetting):
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Getoond in de kop van elke pagina, als icoon in het browsertabblad en wanneer "
            "iemand de website deelt. Liefst vierkant of liggend, minstens 512 pixels."
        ),
    )
    default_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("standaardafbeelding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Getoond bij activiteiten, nieuws en cursussen die zelf geen afbeelding hebben."
        ),
    )
    primary_colour = models.CharField(
        _("hoofdkleur"), max_length=7, default="#0b5394", validators=[hex_colour_validator]
    )
    primary_text_colour = models.CharField(
        _("tekstkleur op de hoofdkleur"),
        max_length=7,
        choices=TextColour.choices,
        default=TextColour.WHITE,
    )
    accent_colour = models.CharField(
        _("accentkleur"), max_length=7, default="#8a1c4a", validators=[hex_colour_validator]
    )
    accent_text_colour = models.CharField(
        _("tekstkleur op de accentkleur"),
        max_length=7,
        choices=TextColour.choices,
        default=TextColour.WHITE,
    )

    panels = [
        FieldPanel("logo"),
        FieldPanel("default_image"),
        MultiFieldPanel(
            [FieldPanel("primary_colour"), FieldPanel("primary_text_colour")],
            heading=_("Hoofdkleur (kop, menu, voettekst)"),
        ),
        MultiFieldPanel(
            [FieldPanel("accent_colour"), FieldPanel("accent_text_colour")],
            heading=_("Accentkleur (knoppen)"),
        ),
    ]

    class Meta:
        verbose_name = _("huisstijl")

    def clean(self) -> None:
        super().clean()
        errors = {}
        pairs = [
            ("primary_colour", self.primary_colour, self.primary_text_colour),
            ("accent_colour", self.accent_colour, self.accent_text_colour),
        ]
        for field, background, text in pairs:
            if not background or not HEX_COLOUR.match(background):
                continue
            ratio = contrast_ratio(background, text)
            if ratio < WCAG_AA_NORMAL_TEXT:
                errors[field] = _(
                    "Tekst op deze kleur is slecht leesbaar: het contrast is %(ratio).1f:1, "
                    "minstens 4,5:1 is nodig (WCAG AA). Kies een donkerdere of lichtere kleur "
                    "of een andere tekstkleur."
                ) % {"ratio": ratio}
        if errors:
            raise ValidationError(errors)
        validate_site_references(self)

    @property
    def link_colour(self) -> str:
        """Links on the white page body: the primary colour when it is dark enough."""
        if contrast_ratio(self.primary_colour, "#ffffff") >= WCAG_AA_NORMAL_TEXT:
            return self.primary_colour
        return "#1f1f1f"


@register_setting(icon="site")
class IdentitySettings(BaseSiteSetting):
    kind = models.CharField(
        _("soort"), max_length=32, choices=SiteKind.choices, default=SiteKind.LIBRARY
    )
    municipality = models.CharField(_("gemeente"), max_length=100, blank=True)
    nis_code = models.CharField(
        _("NIS-code van de gemeente"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Een NIS-code bestaat uit 5 cijfers."))],
    )
    province = models.CharField(_("provincie"), max_length=32, choices=Province.choices, blank=True)

    class Meta:
        verbose_name = _("identiteit")


@register_setting(icon="mail")
class ContactSettings(BaseSiteSetting):
    street = models.CharField(_("straat en nummer"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postcode"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Een Belgische postcode heeft 4 cijfers."))],
    )
    city = models.CharField(_("gemeente"), max_length=100, blank=True)
    phone = models.CharField(
        _("telefoon"),
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^\+?[\d /.()-]{6,30}$", _("Geef een geldig telefoonnummer."))],
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    newsletter_url = models.URLField(
        _("inschrijven op de nieuwsbrief"),
        blank=True,
        help_text=_("Het adres van het inschrijfformulier van je nieuwsbrief (optioneel)."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("street"), FieldPanel("postal_code"), FieldPanel("city")],
            heading=_("Adres"),
        ),
        FieldPanel("phone"),
        FieldPanel("email"),
        MultiFieldPanel(
            [
                FieldPanel("facebook_url"),
                FieldPanel("instagram_url"),
                FieldPanel("youtube_url"),
                FieldPanel("linkedin_url"),
            ],
            heading=_("Sociale media"),
        ),
        FieldPanel("newsletter_url"),
    ]

    class Meta:
        verbose_name = _("contactgegevens")

    @property
    def social_links(self) -> list[tuple[str, str]]:
        links = [
            ("Facebook", self.facebook_url),
            ("Instagram", self.instagram_url),
            ("YouTube", self.youtube_url),
            ("LinkedIn", self.linkedin_url),
        ]
        return [(label, url) for label, url in links if url]


id_list_validator = RegexValidator(r"^[\w\-, ]*$", _("Geef de id's gescheiden door komma's."))


@register_setting(icon="cogs")
class IntegrationSettings(BaseSiteSetting):
    uitdatabank_organizer_ids = models.TextField(
        _("UiTdatabank-organisatoren"),
        blank=True,
        validators=[id_list_validator],
        help_text=_("Id's van organisatoren, gescheiden door komma's."),
    )
    uitdatabank_place_ids = models.TextField(
        _("UiTdatabank-locaties"),
        blank=True,
        validators=[id_list_validator],
        help_text=_("Id's van locaties, gescheiden door komma's."),
    )
    catalogue_profile = models.SlugField(
        _("catalogusprofiel"),
        max_length=63,
        blank=True,
        help_text=_(
            "Het profiel van de bibliotheek in de catalogus, bijvoorbeeld \u2018gent\u2019."
        ),
    )
    analytics_site_id = models.CharField(
        _("id voor bezoekersstatistieken"),
        max_length=40,
        blank=True,
        validators=[RegexValidator(r"^[\w-]*$", _("Alleen letters, cijfers en koppeltekens."))],
    )

    # The help texts an editor needs to fill the ids in (the fields' own help texts stay, so
    # that changing these needs no migration). `analytics_site_id` is not read anywhere yet:
    # it is left out of the form until a statistics integration uses it.
    panels = [
        MultiFieldPanel(
            [
                FieldPanel(
                    "uitdatabank_organizer_ids",
                    help_text=_(
                        "De id van jullie organisatie in UiTdatabank: de lange code van letters "
                        "en cijfers op het einde van de link naar jullie organisatie op "
                        "uitdatabank.be. Meer dan één: gescheiden door komma's. De agenda toont "
                        "de activiteiten van deze organisatoren."
                    ),
                ),
                FieldPanel(
                    "uitdatabank_place_ids",
                    help_text=_(
                        "De id's van jullie locaties in UiTdatabank, gescheiden door komma's: "
                        "ook activiteiten van andere organisatoren op deze plaatsen komen in "
                        "de agenda. Leeg: alleen de organisatoren hierboven."
                    ),
                ),
            ],
            heading=_("Agenda uit UiTdatabank"),
        ),
        FieldPanel("catalogue_profile"),
    ]

    class Meta:
        verbose_name = _("koppelingen")

    @staticmethod
    def _split(value: str) -> list[str]:
        return [item.strip() for item in value.split(",") if item.strip()]

    @property
    def organizer_ids(self) -> list[str]:
        return self._split(self.uitdatabank_organizer_ids)

    @property
    def place_ids(self) -> list[str]:
        return self._split(self.uitdatabank_place_ids)


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    main_menu = StreamField(
        NavigationStreamBlock(), verbose_name=_("hoofdmenu"), blank=True, max_num=8
    )
    footer_menu = StreamField(
        NavigationStreamBlock(), verbose_name=_("menu in de voettekst"), blank=True, max_num=12
    )

    panels = [FieldPanel("main_menu"), FieldPanel("footer_menu")]

    class Meta:
        verbose_name = _("navigatie")

    def clean(self) -> None:
        super().clean()
        validate_site_references(self)
