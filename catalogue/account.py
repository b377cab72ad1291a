"""Mijn Bibliotheek: the links to a patron's own library account (the header link, loans,
reservations, renewals, the reserve button of a record), built from the site's
LibraryAccountSettings and catalogue profile. Registered into the page shell in
CatalogueConfig.ready()."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from catalogue.models import LibraryAccountSettings
from home.contributions import Contribution
from home.generations import bump_site_generations
from home.models import IntegrationSettings


def link_fill(template: str, *, optional: tuple[str, ...] = (), **values: str) -> str:
    """`template` with each {name} replaced by its URL-quoted value; "" when the template is
    empty, is not an http(s) address, or names a placeholder whose value is empty (unless the
    placeholder is `optional`)."""
    if not template or not template.startswith(("https://", "http://")):
        return ""
    url = template
    for name, value in values.items():
        placeholder = "{" + name + "}"
        if placeholder in url:
            if not value and name not in optional:
                return ""
            url = url.replace(placeholder, quote(value, safe=""))
    return url


@dataclass(frozen=True)
class AccountLink:
    label: str
    url: str


@dataclass(frozen=True)
class LibraryAccount:
    """The site's Mijn Bibliotheek: `url` "" when it has none. Cached in the page shell, so a
    record page reads the reserve template without a query."""

    url: str
    links: list[AccountLink] = field(default_factory=list)
    reserve_url_template: str = ""
    profile: str = ""


def library_account_for_site(*, site: Site) -> LibraryAccount:
    """The site's Mijn Bibliotheek link, its sub-links and the reserve template."""
    account = LibraryAccountSettings.for_site(site)
    profile = IntegrationSettings.for_site(site).catalogue_profile
    url = link_fill(account.account_url, profile=profile)
    if not url:
        return LibraryAccount(
            url="", reserve_url_template=account.reserve_url_template, profile=profile
        )
    links = [
        AccountLink(label=str(label), url=filled)
        for label, template in (
            (_("Mijn uitleningen"), account.loans_url),
            (_("Mijn reservaties"), account.reservations_url),
            (_("Verlengen"), account.renewals_url),
        )
        if (filled := link_fill(template, profile=profile))
    ]
    return LibraryAccount(
        url=url,
        links=links,
        reserve_url_template=account.reserve_url_template,
        profile=profile,
    )


def reserve_url_for(
    *, account: LibraryAccount | None, fallback_template: str, record_id: str, isbns: list[str]
) -> str:
    """Where the reserve button of a record goes: the patron's own library (the site's
    Mijn Bibliotheek settings, as the page shell holds them), else the catalogue page's own
    template."""
    template, profile = fallback_template, ""
    if account is not None:
        template = account.reserve_url_template or template
        profile = account.profile
    return link_fill(
        template,
        record_id=record_id,
        id=record_id,
        isbn=isbns[0] if isbns else "",
        profile=profile,
        optional=("isbn",),
    )


def account_contribution(*, site: Site, now: dt.datetime) -> Contribution:
    return Contribution(values={"library_account": library_account_for_site(site=site)})


def account_settings_changed(sender, instance, **kwargs) -> None:
    """Mijn Bibliotheek or the catalogue profile changed: the site's header changes. A row
    created by `for_site()` holds the defaults the header was just built with: no change."""
    if kwargs.get("created") and kwargs.get("signal") is post_save:
        return
    if instance.site_id is not None:
        bump_site_generations([instance.site_id])


ACCOUNT_SETTINGS_MODELS = (LibraryAccountSettings, IntegrationSettings)
