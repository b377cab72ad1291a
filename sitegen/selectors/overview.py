"""The network overview for central editors: every site with its pages, events, holiday hours
and colour warnings, and the Belgian holidays coming up."""

import datetime as dt
from dataclasses import dataclass, field

from dateutil.easter import easter
from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page, PageLogEntry

from home.branding import HEX_COLOUR, WCAG_AA_NORMAL_TEXT, contrast_ratio
from home.models import BrandingSettings, IdentitySettings, SiteKind, Tenant
from library_pages.models import ExceptionalHours, LocationPage

# --- Network overview ---------------------------------------------------------------------------


def belgian_holidays(year: int) -> list[tuple[dt.date, str]]:

    easter_sunday = easter(year)
    return sorted(
        [
            (dt.date(year, 1, 1), _("Nieuwjaar")),
            (easter_sunday + dt.timedelta(days=1), _("Paasmaandag")),
            (dt.date(year, 5, 1), _("Dag van de Arbeid")),
            (easter_sunday + dt.timedelta(days=39), _("O.-L.-H.-Hemelvaart")),
            (easter_sunday + dt.timedelta(days=50), _("Pinkstermaandag")),
            (dt.date(year, 7, 11), _("Vlaamse feestdag")),
            (dt.date(year, 7, 21), _("Nationale feestdag")),
            (dt.date(year, 8, 15), _("O.-L.-V.-Hemelvaart")),
            (dt.date(year, 11, 1), _("Allerheiligen")),
            (dt.date(year, 11, 11), _("Wapenstilstand")),
            (dt.date(year, 12, 25), _("Kerstmis")),
        ]
    )


def holidays_coming(*, today: dt.date, days: int = 60) -> list[tuple[dt.date, str]]:
    end = today + dt.timedelta(days=days)
    return [
        (day, name)
        for year in (today.year, today.year + 1)
        for day, name in belgian_holidays(year)
        if today <= day <= end
    ]


@dataclass
class SiteOverview:
    tenant_id: int
    name: str
    slug: str
    kind: str
    kind_label: str
    province: str
    hostname: str
    root_url: str
    root_page_id: int
    blueprint_version: int
    pages: int = 0
    last_edit_at: dt.datetime | None = None
    last_edit_by: str = ""
    upcoming_events: int = 0
    locations: int = 0
    locations_without_holiday_hours: int = 0
    colour_warnings: list[str] = field(default_factory=list)

    @property
    def has_warnings(self) -> bool:
        return bool(self.colour_warnings or self.locations_without_holiday_hours)


@dataclass
class NetworkOverview:
    sites: list[SiteOverview]
    holidays: list[tuple[dt.date, str]]
    events_available: bool


EDIT_ACTIONS = (
    "wagtail.create",
    "wagtail.edit",
    "wagtail.publish",
    "wagtail.unpublish",
    "wagtail.revert",
    "wagtail.delete",
    "wagtail.move",
)
OVERVIEW_SORTS = {
    "naam": lambda s: s.name.lower(),
    "soort": lambda s: (s.kind, s.name.lower()),
    "versie": lambda s: (s.blueprint_version, s.name.lower()),
    "paginas": lambda s: (s.pages, s.name.lower()),
    "bewerkt": lambda s: (s.last_edit_at or dt.datetime.min.replace(tzinfo=dt.UTC),),
    "evenementen": lambda s: (s.upcoming_events, s.name.lower()),
    "waarschuwingen": lambda s: (
        len(s.colour_warnings) + s.locations_without_holiday_hours,
        s.name.lower(),
    ),
}


def _root_prefix_length() -> int:
    # Site home pages sit right under the tree root (HomePage.parent_page_types), at depth 2.
    return Page.steplen * 2


def _page_counts() -> dict[str, int]:

    rows = (
        Page.objects.filter(depth__gte=2)
        .annotate(prefix=Substr("path", 1, _root_prefix_length()))
        .values("prefix")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["prefix"]: row["n"] for row in rows}


def _upcoming_events() -> tuple[bool, dict[str, int]]:
    """Upcoming event occurrences per site root, if the events app provides occurrences."""

    try:
        occurrence = apps.get_model("events", "Occurrence")
    except LookupError:
        return False, {}
    names = {f.name for f in occurrence._meta.get_fields()}
    if not {"page", "start"} <= names:
        return False, {}
    # Beyond its daily window one occurrence row can stand for a run of daily sessions
    # (events.models.Occurrence.sessions): count sessions, not rows.
    count = Sum("sessions") if "sessions" in names else Count("pk")
    rows = (
        occurrence.objects.filter(start__gte=timezone.now(), page__live=True)
        .annotate(prefix=Substr("page__path", 1, _root_prefix_length()))
        .values("prefix")
        .annotate(n=count)
        .order_by()
    )
    return True, {row["prefix"]: row["n"] for row in rows}


def _locations_without_holiday_hours(
    holidays: list[dt.date],
) -> tuple[dict[str, int], dict[str, int]]:

    def covering(day: dt.date):
        return ExceptionalHours.objects.filter(location=OuterRef("pk"), start_date__lte=day).filter(
            Q(end_date__gte=day) | Q(end_date__isnull=True, start_date=day)
        )

    missing = Q(pk__in=[])
    for day in holidays:
        missing |= ~Exists(covering(day))
    rows = (
        LocationPage.objects.live()
        .annotate(prefix=Substr("path", 1, _root_prefix_length()))
        .values("prefix")
        .annotate(total=Count("pk"), lacking=Count("pk", filter=missing))
        .order_by()
    )
    totals = {row["prefix"]: row["total"] for row in rows}
    lacking = {row["prefix"]: row["lacking"] for row in rows}
    return totals, lacking


def _colour_warnings() -> dict[int, list[str]]:

    warnings: dict[int, list[str]] = {}
    for row in BrandingSettings.objects.values(
        "site_id", "primary_colour", "primary_text_colour", "accent_colour", "accent_text_colour"
    ):
        pairs = (
            (_("hoofdkleur"), row["primary_colour"], row["primary_text_colour"]),
            (_("accentkleur"), row["accent_colour"], row["accent_text_colour"]),
        )
        for label, background, text in pairs:
            if not (HEX_COLOUR.match(background or "") and HEX_COLOUR.match(text or "")):
                warnings.setdefault(row["site_id"], []).append(
                    _("%(label)s ongeldig") % {"label": label}
                )
                continue
            ratio = contrast_ratio(background, text)
            if ratio < WCAG_AA_NORMAL_TEXT:
                warnings.setdefault(row["site_id"], []).append(
                    _("%(label)s: contrast %(ratio).1f:1") % {"label": label, "ratio": ratio}
                )
    return warnings


def network_overview(
    *,
    kind: str = "",
    province: str = "",
    warnings_only: bool = False,
    sort: str = "naam",
    descending: bool = False,
    today: dt.date | None = None,
) -> NetworkOverview:
    """Every site with its figures, computed in a fixed number of aggregate queries (six),
    whatever the number of sites."""

    today = today or timezone.localdate()
    edits = PageLogEntry.objects.filter(
        action__in=EDIT_ACTIONS, page__path__startswith=OuterRef("site__root_page__path")
    ).order_by("-timestamp", "-pk")
    identity = IdentitySettings.objects.filter(site=OuterRef("site_id"))
    tenants = (
        Tenant.objects.select_related("site", "site__root_page")
        .annotate(
            province=Subquery(identity.values("province")[:1]),
            last_edit_at=Subquery(edits.values("timestamp")[:1]),
            last_edit_by=Subquery(edits.values("user__username")[:1]),
        )
        .order_by("slug")
    )
    if kind:
        tenants = tenants.filter(kind=kind)
    if province:
        tenants = tenants.filter(province=province)
    holidays = holidays_coming(today=today)
    page_counts = _page_counts()
    events_available, events = _upcoming_events()
    totals, lacking = _locations_without_holiday_hours([day for day, _name in holidays])
    colours = _colour_warnings()
    kind_labels = dict(SiteKind.choices)
    sites = []
    for tenant in tenants:
        site = tenant.site
        prefix = site.root_page.path
        sites.append(
            SiteOverview(
                tenant_id=tenant.pk,
                name=site.site_name or tenant.slug,
                slug=tenant.slug,
                kind=tenant.kind,
                kind_label=str(kind_labels.get(tenant.kind, tenant.kind)),
                province=tenant.province or "",
                hostname=site.hostname,
                root_url=site.root_url,
                root_page_id=site.root_page_id,
                blueprint_version=tenant.blueprint_version,
                pages=page_counts.get(prefix, 0),
                last_edit_at=tenant.last_edit_at,
                last_edit_by=tenant.last_edit_by or "",
                upcoming_events=events.get(prefix, 0),
                locations=totals.get(prefix, 0),
                locations_without_holiday_hours=lacking.get(prefix, 0),
                colour_warnings=colours.get(site.pk, []),
            )
        )
    if warnings_only:
        sites = [s for s in sites if s.has_warnings]
    key = OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["naam"])
    sites.sort(key=key, reverse=descending)
    return NetworkOverview(sites=sites, holidays=holidays, events_available=events_available)
