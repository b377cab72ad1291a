"""Makerspace courses: a course index per site and course pages that take registrations
through the shared engine (registrations.RegistrableMixin)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import ContentStreamBlock
from home.models import BasePage, SiteKind
from home.wiring import SetInReady
from registrations.models import OfferSession, RegistrableMixin


class Machine(models.Model):
    """A machine of the makerspace, a shared vocabulary for every site (seeded by migration)."""

    name = models.CharField(_("naam"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("machine")
        verbose_name_plural = _("machines")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    EVERYONE = "iedereen", _("Iedereen")
    CHILDREN = "kinderen", _("Kinderen")
    YOUTH = "jongeren", _("Jongeren")
    ADULTS = "volwassenen", _("Volwassenen")
    SENIORS = "senioren", _("Senioren")
    FAMILIES = "gezinnen", _("Gezinnen")
    PROFESSIONALS = "professionals", _("Professionals")


class CourseIndexPage(BasePage):
    intro = models.TextField(_("inleiding"), blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["makerspace.CoursePage"]
    max_count_per_parent = 1
    # The library blueprint has a makerspace; the other kinds' blueprints do not.
    site_kinds = (SiteKind.LIBRARY, SiteKind.REGIONAL_LIBRARY)
    # CourseFilterForm's fields and the page number: the page cache keys on these only.
    cache_query_params = ("machine", "doelgroep", "maand", "pagina")

    class Meta:
        verbose_name = _("overzicht van makerspace-cursussen")
        verbose_name_plural = _("overzichten van makerspace-cursussen")

    # The filters and listing (makerspace.selectors.course_index_context), provided by
    # MakerspaceConfig.ready() (home.wiring): the selectors read these models, so the models
    # do not import the selectors.
    context_builder: ClassVar[Callable[..., dict[str, Any]]] = SetInReady(
        by="MakerspaceConfig.ready()"
    )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(type(self).context_builder(index=self, request=request))
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Invalid filter parameters: the page still renders, with the message, as a 400.
        if getattr(response, "context_data", None) and response.context_data.get("filter_invalid"):
            response.status_code = 400
        return response


class CoursePage(RegistrableMixin, BasePage):
    """One course: a single workshop, a few sessions, or a modular training (one session per
    module). Registration is for the whole course; attendance is kept per session."""

    intro = models.TextField(_("inleiding"), blank=True, max_length=600)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("afbeelding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ContentStreamBlock, verbose_name=_("beschrijving"), blank=True)
    location = models.ForeignKey(
        "library_pages.LocationPage",
        verbose_name=_("locatie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    location_text = models.CharField(
        _("locatie (tekst)"),
        max_length=200,
        blank=True,
        help_text=_("Als de cursus niet in een van je locaties plaatsvindt, of extra uitleg."),
    )
    price = models.DecimalField(
        _("prijs (euro)"),
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("0 voor een gratis cursus."),
    )
    price_note = models.CharField(
        _("uitleg bij de prijs"),
        max_length=200,
        blank=True,
        help_text=_(
            "Bijvoorbeeld: materiaal inbegrepen, betalen aan de balie, korting met UiTPAS."
        ),
    )
    audience = models.CharField(
        _("doelgroep"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimumleeftijd"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximumleeftijd"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    what_to_bring = models.TextField(_("wat breng je mee"), blank=True, max_length=1000)
    machines = ParentalManyToManyField(Machine, verbose_name=_("machines"), blank=True)
    prerequisite_text = models.CharField(
        _("voorkennis"),
        max_length=300,
        blank=True,
        help_text=_("Wat deelnemers al moeten kennen, bijvoorbeeld een module die eerst komt."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("image"),
        InlinePanel(
            "sessions",
            heading=_("Sessies en modules"),
            label=_("Sessie"),
            min_num=1,
            help_text=_("Datum en uur in Belgische tijd."),
        ),
        MultiFieldPanel([FieldPanel("location"), FieldPanel("location_text")], heading=_("Waar")),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldRowPanel([FieldPanel("min_age"), FieldPanel("max_age")]),
            ],
            heading=_("Voor wie"),
        ),
        FieldRowPanel([FieldPanel("price"), FieldPanel("price_note")]),
        FieldPanel("machines", widget=forms.CheckboxSelectMultiple),
        FieldPanel("what_to_bring"),
        MultiFieldPanel(
            [
                FieldPanel("prerequisite_text"),
                InlinePanel(
                    "prerequisite_links", label=_("Cursus die eerst komt"), heading=_("Cursussen")
                ),
            ],
            heading=_("Voorkennis"),
        ),
        FieldPanel("body"),
        *RegistrableMixin.registration_panels,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("audience"),
    ]
    parent_page_types = ["makerspace.CourseIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("makerspace-cursus")
        verbose_name_plural = _("makerspace-cursussen")

    # --- registration engine contract -------------------------------------------------------

    def registration_sessions(self) -> list[OfferSession]:
        sessions = sorted(
            (s for s in self.sessions.all() if s.starts_at and s.ends_at),
            key=lambda s: (s.starts_at, s.sort_order or 0),
        )
        location = self.registration_location()
        return [
            OfferSession(
                key=f"session-{s.pk}" if s.pk else f"new-{i}",
                title=s.title,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                location=location,
            )
            for i, s in enumerate(sessions)
        ]

    def registration_location(self) -> str:
        parts = []
        if self.location_id and self.location:
            loc = self.location
            parts.append(f"{loc.title}, {loc.street}, {loc.postal_code} {loc.city}")
        if self.location_text:
            parts.append(self.location_text)
        return " - ".join(parts)

    # --- validation ---------------------------------------------------------------------------

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors["max_age"] = [_("De maximumleeftijd is lager dan de minimumleeftijd.")]
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_opens_at >= self.registration_closes_at
        ):
            errors["registration_closes_at"] = [_("De inschrijving moet sluiten na het openen.")]
        site = self._site_for_validation()
        for link in self.prerequisite_links.all():
            course = link.course
            if course is None:
                continue
            if self.pk and course.pk == self.pk:
                errors.setdefault("prerequisite_text", []).append(
                    _("Een cursus kan niet zijn eigen voorkennis zijn.")
                )
            elif site is not None and course.get_site() != site:
                errors.setdefault("prerequisite_text", []).append(
                    _("Kies als voorkennis een cursus van je eigen website.")
                )
        if errors:
            raise ValidationError(errors)

    def _site_for_validation(self):
        if self.pk:
            return self.get_site()
        parent = self.get_parent() if self.path else None
        return parent.get_site() if parent else None

    # makerspace.selectors.course_page_context, provided by MakerspaceConfig.ready() (see
    # CourseIndexPage.context_builder).
    context_builder: ClassVar[Callable[..., dict[str, Any]]] = SetInReady(
        by="MakerspaceConfig.ready()"
    )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(type(self).context_builder(course=self))
        return context


class CourseSession(Orderable):
    """A dated session or module of a course. Stored in UTC, edited and shown in Belgian time."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(
        _("titel"),
        max_length=120,
        blank=True,
        help_text=_("Bijvoorbeeld 'Dag 1 Inleiding en cases' bij een modulaire cursus."),
    )
    starts_at = models.DateTimeField(_("begint op"))
    ends_at = models.DateTimeField(_("eindigt op"))
    description = models.TextField(_("inhoud"), blank=True, max_length=600)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("description"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("sessie")
        verbose_name_plural = _("sessies")

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at) if self.starts_at else None
        return f"{self.title or self.page.title} ({start:%d/%m/%Y %H:%M})" if start else self.title

    def clean(self) -> None:
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Het einde moet na het begin liggen.")})


class CoursePrerequisite(Orderable):
    """A course (of the same site) that participants should have followed first."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="prerequisite_links")
    course = models.ForeignKey(
        CoursePage, verbose_name=_("cursus"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("course", "makerspace.CoursePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("voorkennis")
        verbose_name_plural = _("voorkennis")
