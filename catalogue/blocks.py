"""Catalogue blocks for the shared content stream: a search form that sends visitors to the
site's catalogue page, and the latest acquisitions of the site's library.

Registered in home's ContentStreamBlock by CatalogueConfig.ready(); no page models at import time.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Site

AUDIENCE_CHOICES = [
    ("", _("Iedereen")),
    ("peuters en kleuters", _("Peuters en kleuters")),
    ("kinderen", _("Kinderen")),
    ("jongeren", _("Jongeren")),
    ("volwassenen", _("Volwassenen")),
]


def _site_from(parent_context) -> Site | None:
    request = (parent_context or {}).get("request")
    if request is None:
        page = (parent_context or {}).get("page")
        return page.get_site() if page is not None else None
    return Site.find_for_request(request)


class CatalogueSearchBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=120, default="Zoek in de catalogus")
    text = blocks.TextBlock(label=_("Tekst"), required=False, max_length=300)

    class Meta:
        icon = "search"
        label = _("Zoek in de catalogus")
        template = "catalogue/blocks/catalogue_search.html"
        preview_value = {
            "title": "Zoek in de catalogus",
            "text": "Boeken, strips, films, muziek en meer: zoek wat je wil lenen.",
        }
        description = _("Een zoekveld dat naar de catalogus van deze website leidt")

    def get_context(self, value, parent_context=None):
        from catalogue.selectors import catalogue_page_for_site

        context = super().get_context(value, parent_context=parent_context)
        page = catalogue_page_for_site(site=_site_from(parent_context))
        context["catalogue_url"] = page.url if page else ""
        context["field_id"] = f"catalogue-block-{id(value)}"
        return context


class NewAcquisitionsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Titel"), max_length=120, default="Nieuw in de bib")
    audience = blocks.ChoiceBlock(
        label=_("Doelgroep"), choices=AUDIENCE_CHOICES, required=False, default=""
    )
    genre = blocks.CharBlock(
        label=_("Genre"),
        required=False,
        max_length=120,
        help_text=_("Bijvoorbeeld ‘Romans’, ‘Strips’ of ‘Thrillers’. Leeg: alle genres."),
    )
    count = blocks.IntegerBlock(label=_("Aantal titels"), min_value=2, max_value=12, default=6)

    class Meta:
        icon = "list-ul"
        label = _("Nieuw in de bib")
        template = "catalogue/blocks/new_acquisitions.html"
        preview_value = {"title": "Nieuw in de bib", "audience": "", "genre": "", "count": 6}
        description = _("De nieuwste aanwinsten van deze bibliotheek")

    def get_context(self, value, parent_context=None):
        from catalogue.selectors import (
            catalogue_page_for_site,
            catalogue_profile_for_site,
            cover_for,
            new_acquisitions,
        )

        context = super().get_context(value, parent_context=parent_context)
        site = _site_from(parent_context)
        titles = new_acquisitions(
            profile=catalogue_profile_for_site(site=site),
            audience=value.get("audience") or "",
            genre=value.get("genre") or "",
            limit=value.get("count") or 6,
        )
        page = catalogue_page_for_site(site=site)
        if page is not None:
            base = page.url
            for title in titles:
                title.url = base + page.reverse_subpage("record_view", args=[title.record_id])
        for title in titles:
            title.cover = cover_for(
                template=page.cover_url_template if page is not None else "",
                record_id=title.record_id,
                isbn=title.isbn,
                stored=title.cover_url,
                title=title.title,
                author=title.author,
                material=title.material,
            )
        context["titles"] = titles
        return context


class BiebloBlock(blocks.StructBlock):
    """Bieblo's picker (themes as pictures, the child's age) on any page; it sends the child to
    the Bieblo page of the site's catalogue, which shows the books."""

    title = blocks.CharBlock(label=_("Titel"), max_length=120, default="Bieblo: kies je boek")
    text = blocks.TextBlock(
        label=_("Tekst"),
        required=False,
        max_length=300,
        help_text=_("Kort en eenvoudig: kinderen lezen het of laten het voorlezen."),
    )

    class Meta:
        icon = "pick"
        label = _("Bieblo (boeken kiezen voor kinderen)")
        template = "catalogue/blocks/bieblo.html"
        preview_value = {
            "title": "Bieblo: kies je boek",
            "text": "Kies een prentje en je leeftijd.",
        }
        description = _(
            "Kinderen van 6 tot 12 kiezen prentjes en hun leeftijd en krijgen boeken uit de "
            "jeugdcollectie van deze bib"
        )

    def get_context(self, value, parent_context=None):
        from catalogue.bieblo import BiebloChoice, bieblo_context
        from catalogue.selectors import catalogue_page_for_site

        context = super().get_context(value, parent_context=parent_context)
        page = catalogue_page_for_site(site=_site_from(parent_context))
        context["bieblo"] = (
            bieblo_context(
                BiebloChoice(),
                action=page.get_url((parent_context or {}).get("request"))
                + page.reverse_subpage("bieblo_view"),
                field_prefix=f"bieblo-{id(value)}",
            )
            if page is not None
            else None
        )
        return context


class BooksBlock(blocks.StructBlock):
    """Books on an event, news or campaign page: chosen records and/or a saved catalogue search,
    with their availability at the library of the site that shows the page."""

    title = blocks.CharBlock(label=_("Titel"), max_length=120, default="Boeken")
    records = blocks.ListBlock(
        blocks.CharBlock(max_length=64, label=_("Recordnummer of ISBN")),
        label=_("Gekozen boeken"),
        required=False,
        max_num=12,
        help_text=_(
            "Het recordnummer (staat in het adres van de titelpagina: …/catalogus/titel/"
            "<recordnummer>/) of het ISBN."
        ),
    )
    search = blocks.CharBlock(
        label=_("Bewaarde zoekopdracht"),
        required=False,
        max_length=500,
        help_text=_(
            "Plak het adres van een zoekresultaat in de catalogus, bijvoorbeeld "
            "/catalogus/?q=leuven+leest&doelgroep=kinderen. De beste treffers komen na de "
            "gekozen boeken."
        ),
    )
    count = blocks.IntegerBlock(label=_("Aantal boeken"), min_value=1, max_value=12, default=6)

    class Meta:
        icon = "doc-full"
        label = _("Boeken")
        template = "catalogue/blocks/books.html"
        preview_value = {"title": "Boeken", "records": [], "search": "q=roman", "count": 4}
        description = _(
            "Gekozen titels of een bewaarde zoekopdracht uit de catalogus, met hun "
            "beschikbaarheid in de bib van de website"
        )

    def clean(self, value):
        from django.core.exceptions import ValidationError
        from wagtail.blocks import StructBlockValidationError

        from catalogue.books import identifier_problem, saved_search_query

        value = super().clean(value)
        errors = {}
        problems = [identifier_problem(item) for item in value.get("records") or []]
        problems = [problem for problem in problems if problem]
        if problems:
            errors["records"] = ValidationError(" ".join(problems))
        search = value.get("search") or ""
        if search and saved_search_query(search) is None:
            errors["search"] = ValidationError(
                _("Deze zoekopdracht zoekt niets: plak het adres van een zoekresultaat.")
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        if not (value.get("records") or search):
            raise StructBlockValidationError(
                non_block_errors=ValidationError(
                    _("Kies minstens één boek of geef een bewaarde zoekopdracht.")
                )
            )
        return value

    def get_context(self, value, parent_context=None):
        from catalogue.books import books_for_site

        context = super().get_context(value, parent_context=parent_context)
        context["books"], context["error"] = books_for_site(
            site=_site_from(parent_context),
            request=(parent_context or {}).get("request"),
            identifiers=list(value.get("records") or []),
            search=value.get("search") or "",
            count=value.get("count") or 6,
        )
        return context


DIGITAL_SERVICES = [
    ("cloudlibrary", "cloudLibrary"),
    ("naxos", "Naxos Music Library"),
    ("filmfriend", "Filmfriend"),
    ("gopress", "GoPress"),
    ("pressreader", "PressReader"),
    ("other", _("Andere dienst")),
]


class DigitalServiceBlock(blocks.StructBlock):
    """One e-book, music, film or press service the library subscribes to."""

    service = blocks.ChoiceBlock(label=_("Dienst"), choices=DIGITAL_SERVICES)
    name = blocks.CharBlock(
        label=_("Naam"),
        required=False,
        max_length=80,
        help_text=_("Leeg: de naam van de gekozen dienst. Verplicht bij ‘Andere dienst’."),
    )
    url = blocks.URLBlock(label=_("Link"), help_text=_("Waar de lener inlogt of begint."))
    description = blocks.TextBlock(label=_("Beschrijving"), max_length=400)
    logo = ImageChooserBlock(label=_("Logo"), required=False)

    class Meta:
        icon = "link-external"
        label = _("Digitale dienst")

    def clean(self, value):
        value = super().clean(value)
        if value.get("service") == "other" and not value.get("name"):
            raise blocks.StructBlockValidationError(
                block_errors={"name": ValidationError(_("Geef de naam van de dienst."))}
            )
        return value


def digital_service_name(value) -> str:
    return value.get("name") or str(dict(DIGITAL_SERVICES).get(value.get("service"), ""))


class DigitalServicesBlock(blocks.StructBlock):
    """E-books, audiobooks, streaming and press: the links of the 'Digitale collectie' page."""

    title = blocks.CharBlock(label=_("Titel"), max_length=120, default="Digitale collectie")
    services = blocks.ListBlock(DigitalServiceBlock(), label=_("Diensten"), min_num=1)

    class Meta:
        icon = "tablet-alt"
        label = _("Digitale diensten")
        template = "catalogue/blocks/digital_services.html"
        preview_value = {
            "title": "E-boeken, muziek en films",
            "services": [
                {
                    "service": "cloudlibrary",
                    "name": "",
                    "url": "https://www.yourcloudlibrary.com/",
                    "description": "Leen gratis e-boeken en luisterboeken met je lidkaart.",
                },
                {
                    "service": "filmfriend",
                    "name": "",
                    "url": "https://www.filmfriend.be/",
                    "description": "Stream films en documentaires, thuis en onderweg.",
                },
            ],
        }
        description = _("Links naar de e-boek-, muziek- en filmdiensten van de bib")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["services"] = [
            {"name": digital_service_name(service), "value": service}
            for service in value.get("services") or []
        ]
        return context
