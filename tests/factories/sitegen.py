"""Factories for central content: shared sections, page templates, campaigns, central news."""

import datetime as dt

import factory
from django.utils import timezone

from central.models import Campaign, CentralNewsItem, PageTemplate, SharedSection


def paragraph(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def heading(text: str, level: str = "h2") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


class SharedSectionFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Gedeelde sectie {n}")
    body = factory.LazyFunction(lambda: [paragraph("<p>Een lidkaart is gratis tot 18 jaar.</p>")])

    class Meta:
        model = SharedSection


class PageTemplateFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Sjabloon {n}")
    title = "Vakantie-openingsuren"
    intro = "Tijdens de schoolvakanties gelden aangepaste openingsuren."
    body = factory.LazyFunction(
        lambda: [
            heading("Kerstvakantie"),
            paragraph("<p>We zijn gesloten op 25 december en 1 januari.</p>"),
        ]
    )

    class Meta:
        model = PageTemplate


class CampaignFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Campagne {n}")
    message = "Storing Mijn Bibliotheek vanavond van 20 tot 22 uur."
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=5))

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    @factory.post_generation
    def target_sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_sites.set(extracted)


class CentralNewsItemFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Netwerknieuws {n}")
    slug = factory.Sequence(lambda n: f"netwerknieuws-{n}")
    date = factory.LazyFunction(lambda: dt.date(2026, 11, 22))
    intro = "De Jeugdboekenmaand komt eraan."
    body = factory.LazyFunction(lambda: [paragraph("<p>Meer info volgt.</p>")])

    class Meta:
        model = CentralNewsItem
        skip_postgeneration_save = True

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.set(extracted)


def bare_site_create(*, slug: str, name: str, kind: str = "bibliotheek"):
    """A site as site lookups, the network and its campaigns see it (home page, Site, Tenant,
    collection, editor groups) without the blueprint's pages, settings and permissions.

    Provisioning a full site costs seconds; tests that only need a large network (query counts
    that must not grow with the number of sites) build it from these in well under a second.
    """
    from django.conf import settings
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, Page, Site

    from home.models import HomePage, Tenant

    home = HomePage(title=name, slug=slug, live=True)
    Page.get_first_root_node().add_child(instance=home)
    site = Site.objects.create(
        hostname=f"{slug}.{settings.SITE_DOMAIN_SUFFIX}",
        port=settings.SITE_PORT,
        root_page=home,
        site_name=name,
    )
    return Tenant.objects.create(
        site=site,
        slug=slug,
        kind=kind,
        collection=Collection.get_first_root_node().add_child(name=name),
        editors_group=Group.objects.create(name=f"{name} redacteurs"),
        moderators_group=Group.objects.create(name=f"{name} moderatoren"),
        blueprint=kind,
        blueprint_version=0,
    )
