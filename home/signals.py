import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from home.generations import bump_site_generations
from home.hosts import forget_site_hostnames
from home.models import BrandingSettings, ContactSettings, IdentitySettings, NavigationSettings
from home.routing import forget_sites, root_paths_changed
from home.shell import site_menu_page_ids

# Sent after a bulk change that bypasses Wagtail's page signals (an import, a sync, a
# provisioning run) once its transaction has committed. Arguments: ``site_ids`` (the
# sites whose public pages changed) and ``page_ids`` (the pages created, changed or
# withdrawn; may be empty when only listings changed). Receivers purge caches.
pages_changed = Signal()

logger = logging.getLogger(__name__)


def _site_changed(sender, instance, **kwargs) -> None:
    forget_site_hostnames()
    forget_sites()  # this process's map; other processes reload theirs within a minute
    # ... and stop using their copy of the sites' root paths once the change commits.
    transaction.on_commit(root_paths_changed)
    bump_site_generations([instance.pk])


def _site_setting_changed(sender, instance, **kwargs) -> None:
    """Navigation, branding, contact or identity settings: the site's shell changes."""
    bump_site_generations([instance.site_id])


def _page_changed(sender, instance, **kwargs) -> None:
    """A page in a site's menus was published, withdrawn, moved or deleted."""
    # The site id from the URL parts (cached root paths): get_site() would query per page.
    url_parts = instance.get_url_parts()
    if url_parts is None:
        return
    site_id = url_parts[0]
    if instance.pk in site_menu_page_ids(site_id=site_id):
        bump_site_generations([site_id])


def _pages_changed(sender, site_ids=(), **kwargs) -> None:
    bump_site_generations(site_ids)


def _view_restriction_changed(sender, instance, **kwargs) -> None:
    """A password, login or group restriction was added to, changed on or removed from a page:
    what the page and every page under it show to whom changed, and listings (latest news,
    search) leave restricted pages out. Restrictions change rarely: the whole site is
    retired once the change commits (caches, the page cache and the CDN through
    `pages_changed`)."""
    try:
        url_parts = Page.objects.get(pk=instance.page_id).get_url_parts()
    except Page.DoesNotExist:
        return  # the page is being deleted: its deletion purges
    except Exception:
        logger.exception("View restriction change: site not found, nothing purged")
        return
    if url_parts is None:
        return
    site_id = url_parts[0]
    transaction.on_commit(
        lambda: pages_changed.send(sender=PageViewRestriction, site_ids=[site_id], page_ids=[])
    )


def _slug_changed(sender, instance, **kwargs) -> None:
    """A published page got a new slug: its URL and every URL under it changed, as in a move.
    Wagtail sends this once the change committed; the purges of the publish named the new
    URLs only, so the whole site is retired (the old URLs answer 404 from now on). A site's
    home page changes the sites' root paths that every process keeps."""
    if instance.is_site_root():
        root_paths_changed()
    url_parts = instance.get_url_parts()
    if url_parts is not None:
        pages_changed.send(sender=Page, site_ids=[url_parts[0]], page_ids=[])


def connect() -> None:
    post_save.connect(_site_changed, sender=Site, dispatch_uid="home_site_saved")
    post_delete.connect(_site_changed, sender=Site, dispatch_uid="home_site_deleted")
    for model in (NavigationSettings, BrandingSettings, ContactSettings, IdentitySettings):
        uid = model._meta.model_name
        post_save.connect(_site_setting_changed, sender=model, dispatch_uid=f"home_{uid}_saved")
        post_delete.connect(_site_setting_changed, sender=model, dispatch_uid=f"home_{uid}_del")
    page_published.connect(_page_changed, dispatch_uid="home_shell_page_published")
    page_unpublished.connect(_page_changed, dispatch_uid="home_shell_page_unpublished")
    post_page_move.connect(_page_changed, dispatch_uid="home_shell_page_moved")
    post_page_move.connect(_page_moved, dispatch_uid="home_root_page_moved")
    post_delete.connect(_page_deleted, dispatch_uid="home_shell_page_deleted")
    pages_changed.connect(_pages_changed, dispatch_uid="home_shell_pages_changed")
    page_slug_changed.connect(_slug_changed, dispatch_uid="home_page_slug_changed")
    for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(
            _view_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"home_view_restriction_{uid}",
        )


def _page_moved(sender, instance, **kwargs) -> None:
    """A moved site home page changes the sites' root paths (rare: central editors only)."""
    if instance.is_site_root():
        transaction.on_commit(root_paths_changed)


def _page_deleted(sender, instance, **kwargs) -> None:
    """A deleted page may have been in a menu: the site's shell is rebuilt (deletes are rare;
    its navigation may already be gone with it)."""
    if isinstance(instance, Page):
        site = instance.get_site()
        if site is not None:
            bump_site_generations([site.pk])
