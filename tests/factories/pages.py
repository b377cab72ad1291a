"""Page factories: build pages in a site's tree the way editors do (add_child + publish)."""

import datetime as dt

import factory
from wagtail.models import Page

from library_pages.models import (
    LocationPage,
    NewsIndexPage,
    NewsPage,
    OpeningHoursSpan,
    StandardPage,
)


class PageFactory(factory.django.DjangoModelFactory):
    """Subclasses take `parent=` and create a published page under it."""

    title = factory.Sequence(lambda n: f"Pagina {n}")
    slug = factory.Sequence(lambda n: f"pagina-{n}")

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, parent: Page, publish: bool = True, **kwargs):
        kwargs.setdefault("live", publish)
        page = model_class(*args, **kwargs)
        parent.add_child(instance=page)
        if publish:
            page.save_revision().publish()
        return page


class StandardPageFactory(PageFactory):
    intro = "Een inleiding."
    body = factory.LazyFunction(
        lambda: [{"type": "paragraph", "value": "<p>Gewone inhoud van een pagina.</p>"}]
    )

    class Meta:
        model = StandardPage


class NewsPageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Nieuwsbericht {n}")
    slug = factory.Sequence(lambda n: f"nieuws-{n}")
    date = factory.LazyFunction(lambda: dt.date(2026, 11, 20))
    intro = "Kort nieuws uit de bib."

    class Meta:
        model = NewsPage


class LocationPageFactory(PageFactory):
    title = factory.Sequence(lambda n: f"Filiaal {n}")
    slug = factory.Sequence(lambda n: f"filiaal-{n}")
    street = "Kerkstraat 1"
    postal_code = "9000"
    city = "Gent"

    class Meta:
        model = LocationPage

    @classmethod
    def _create(cls, model_class, *args, hours=(), **kwargs):
        kwargs.setdefault(
            "weekly_hours",
            [
                OpeningHoursSpan(weekday=day, opens=dt.time(opens), closes=dt.time(closes))
                for day, opens, closes in hours
            ],
        )
        return super()._create(model_class, *args, **kwargs)


def news_index_of(home: Page) -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(home).get()
