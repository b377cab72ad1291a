"""Signal handlers that turn changes into purges (connected in PagecacheConfig.ready())."""

from __future__ import annotations

import logging

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from home.page_bulk import CREATED_IN_BULK
from home.signals import pages_changed
from pagecache import keys, registry, services
from pagecache.registry import PurgeTargets

logger = logging.getLogger(__name__)


def _safely(handler):
    """A purge that cannot even be computed is logged; the change itself goes through."""

    def wrapped(*args, **kwargs):
        try:
            handler(*args, **kwargs)
        except Exception:
            logger.exception("Page cache purge not computed (%s)", handler.__name__)

    wrapped.__name__ = handler.__name__
    return wrapped


# --- pages ---------------------------------------------------------------------------------------


@_safely
def page_changed(sender, instance, **kwargs) -> None:
    """Published or unpublished: the page and what lists it."""
    if getattr(instance, CREATED_IN_BULK, False):
        services.purge_bulk_created(page=instance)
        return
    services.purge_pages(pages=[instance])


@_safely
def page_deleting(sender, instance, **kwargs) -> None:
    if not isinstance(instance, Page) or not instance.live or instance.depth <= 1:
        return
    if type(instance) is not Page:
        return  # the same deletion sends this for the Page row too: purge once
    services.purge_pages(pages=[instance.specific_deferred])


@_safely
def page_moving(sender, instance, **kwargs) -> None:
    """Before a move: the old place of the page (and its subtree's sites)."""
    site = instance.get_site()
    services.purge_targets(
        PurgeTargets(pages=[instance], site_ids=[site.pk] if site is not None else [])
    )


@_safely
def page_moved(sender, instance, **kwargs) -> None:
    """After a move: its new place. Every URL under it changed: retire its site(s)."""
    page = Page.objects.get(pk=instance.pk).specific
    site = page.get_site()
    services.purge_targets(
        PurgeTargets(pages=[page], site_ids=[site.pk] if site is not None else [])
    )


@_safely
def bulk_pages_changed(sender, *, site_ids=(), page_ids=(), **kwargs) -> None:
    """An import or sync changed pages without Wagtail's page signals."""
    site_ids = list(site_ids or ())
    page_ids = list(page_ids or ())
    if not page_ids:
        services.purge_sites(site_ids=site_ids)
        return
    if len(page_ids) > services.BULK_PAGES:
        # Too many pages to purge one by one: retire every site that holds one of them, found
        # in two queries (the pages' tree paths against the sites' root paths), whatever
        # the number of pages.
        services.purge_sites(site_ids=set(site_ids) | _sites_holding(page_ids))
        return
    pages = list(Page.objects.filter(pk__in=page_ids).specific())
    services.purge_targets(PurgeTargets(pages=pages))


def _sites_holding(page_ids) -> set[int]:
    roots: dict[str, set[int]] = {}
    for pk, root in Site.objects.values_list("pk", "root_page__path"):
        roots.setdefault(root, set()).add(pk)
    step = Page.steplen
    sites: set[int] = set()
    for path in Page.objects.filter(pk__in=page_ids).values_list("path", flat=True).iterator():
        for end in range(step, len(path) + 1, step):
            sites |= roots.get(path[:end], set())
    return sites


# --- settings and sites ---------------------------------------------------------------------


@_safely
def setting_saved(sender, instance, **kwargs) -> None:
    if isinstance(instance, BaseSiteSetting) and instance.site_id:
        services.purge_sites(site_ids=[instance.site_id])


@_safely
def site_changed(sender, instance, **kwargs) -> None:
    keys.forget_hosts()
    services.purge_sites(site_ids=[instance.pk])


# --- registered models (shared sections, campaigns, central news, registrations) ----------


def _model_targets(instance) -> PurgeTargets:
    targets = PurgeTargets()
    rule = registry.model_rule(type(instance))
    if rule is None:
        return targets
    if rule.references and instance.pk is not None:
        # The embedding pages themselves changed; what lists them did not.
        for page in services.referencing_pages(instance=instance):
            targets.urls += services.page_urls(page=page)
    if rule.targets is not None:
        targets.extend(rule.targets(instance))
    return targets


@_safely
def model_before_save(sender, instance, **kwargs) -> None:
    """What showed the instance before the change (targeting may narrow)."""
    rule = registry.model_rule(sender)
    if instance.pk is None or rule is None or not rule.previous:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    if old is not None:
        services.purge_targets(_model_targets(old))


@_safely
def model_changed(sender, instance, **kwargs) -> None:
    services.purge_targets(_model_targets(instance))


@_safely
def model_m2m_changed(sender, instance, action, **kwargs) -> None:
    if action in ("pre_remove", "pre_clear", "post_add", "post_remove") and isinstance(
        instance, registry.registered_models()
    ):
        services.purge_targets(_model_targets(instance))


def connect_model(model) -> None:
    uid = f"pagecache_{model._meta.label_lower}"
    pre_save.connect(model_before_save, sender=model, dispatch_uid=f"{uid}_pre_save")
    post_save.connect(model_changed, sender=model, dispatch_uid=f"{uid}_saved")
    pre_delete.connect(model_changed, sender=model, dispatch_uid=f"{uid}_deleted")
    for field in model._meta.many_to_many:
        m2m_changed.connect(
            model_m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}_{field.name}"
        )


def connect() -> None:
    page_published.connect(page_changed, dispatch_uid="pagecache_page_published")
    page_unpublished.connect(page_changed, dispatch_uid="pagecache_page_unpublished")
    pre_delete.connect(page_deleting, dispatch_uid="pagecache_page_deleting")
    pre_page_move.connect(page_moving, dispatch_uid="pagecache_page_moving")
    post_page_move.connect(page_moved, dispatch_uid="pagecache_page_moved")
    pages_changed.connect(bulk_pages_changed, dispatch_uid="pagecache_pages_changed")
    post_save.connect(setting_saved, dispatch_uid="pagecache_setting_saved")
    post_save.connect(site_changed, sender=Site, dispatch_uid="pagecache_site_saved")
    post_delete.connect(site_changed, sender=Site, dispatch_uid="pagecache_site_deleted")
