from django.contrib import messages
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.models import Page

from home.scoping import pages_within_user_sites
from home.selectors import user_is_central
from sitegen import push_views, views
from sitegen.selectors.templates import page_template_changes, pages_with_outdated_template


@hooks.register("register_admin_urls")
def register_sitegen_urls():
    return [
        path("websites/", views.SiteListView.as_view(), name="sitegen_sites"),
        path("websites/nieuw/", views.ProvisionSiteView.as_view(), name="sitegen_provision"),
    ]


class CentralMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_central(request.user)


@hooks.register("register_admin_menu_item")
def register_sites_menu_item():
    return CentralMenuItem(_("Websites"), reverse("sitegen_sites"), icon_name="site", order=150)


@hooks.register("register_admin_urls")
def register_push_urls():
    return [
        path(
            "gedeelde-secties/pagina/<int:page_id>/",
            push_views.SharedSectionsOnPageView.as_view(),
            name="sitegen_shared_sections_on_page",
        ),
        path(
            "sjablonen/nieuw/<int:parent_page_id>/",
            push_views.PageFromTemplateView.as_view(),
            name="sitegen_page_from_template",
        ),
        path(
            "sjablonen/wijzigingen/<int:page_id>/",
            push_views.TemplateChangesView.as_view(),
            name="sitegen_template_changes",
        ),
        path(
            "netwerk/overzicht/",
            push_views.NetworkOverviewView.as_view(),
            name="sitegen_network_overview",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_network_overview_menu_item():
    return CentralMenuItem(
        _("Netwerkoverzicht"), reverse("sitegen_network_overview"), icon_name="table", order=155
    )


class AddFromTemplateButton(PageMenuItem):
    label = _("Nieuwe pagina op basis van sjabloon")
    icon_name = "doc-empty-inverse"
    url_name = "sitegen_page_from_template"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_add_subpage()


class DetachSectionsButton(PageMenuItem):
    label = _("Gedeelde secties loskoppelen")
    icon_name = "link"
    url_name = "sitegen_shared_sections_on_page"

    def is_shown(self, user):
        return not self.page.is_root() and self.page.permissions_for_user(user).can_edit()


@hooks.register("register_page_listing_more_buttons")
def page_listing_push_buttons(page, user, next_url=None):
    yield AddFromTemplateButton(page=page, priority=9)
    yield DetachSectionsButton(page=page, priority=55)


@hooks.register("register_page_header_buttons")
def page_header_push_buttons(page, user, view_name, next_url=None):
    yield AddFromTemplateButton(page=page, priority=16)
    yield DetachSectionsButton(page=page, priority=66)


@hooks.register("before_edit_page")
def template_change_notice(request, page):
    """Editors of a page made from a template learn when the template has changed."""
    if request.method != "GET":
        return None
    changes = page_template_changes(page=page)
    if changes is not None and changes.changed:
        messages.warning(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("De centrale versie is gewijzigd (sjabloon \u201c%(name)s\u201d).")
                % {"name": changes.origin.template.name},
                reverse("sitegen_template_changes", args=[page.pk]),
                _("Bekijk wat er veranderde"),
            ),
        )
    return None


class OutdatedTemplatesPanel(Component):
    """Dashboard: pages of the user's sites whose template has a newer central version."""

    name = "sitegen_outdated_templates"
    template_name = "sitegen/admin/outdated_templates_panel.html"
    order = 90

    def __init__(self, origins):
        self.origins = origins

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["origins"] = self.origins
        return context


@hooks.register("construct_homepage_panels")
def outdated_templates_panel(request, panels):
    pages = pages_within_user_sites(user=request.user, pages=Page.objects.all())
    origins = list(pages_with_outdated_template(pages=pages)[:20])
    if origins:
        panels.append(OutdatedTemplatesPanel(origins))
