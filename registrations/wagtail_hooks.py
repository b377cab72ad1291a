"""Admin wiring: the registrations area (scoped views in admin_views) and its menu entry,
plus a button on registrable pages in the page explorer."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy

from home.dashboard import dashboard_hook
from home.permissions import SiteOwnedPermissionPolicy
from home.selectors import sites_for_user, user_is_central
from registrations import admin_urls
from registrations.dashboard import ComingSessionsPanel, RegistrationFiguresPanel
from registrations.models import RegistrableMixin, Registration

# Registrations belong to the site of their offer: a local editor views and changes (cancels,
# moves) those of their own sites only. The area's own views look rows up the same way
# (registrations.selectors); the policy answers Wagtail's generic machinery (bulk actions,
# editing sessions, any future viewset).
register_permission_policy(
    Registration, SiteOwnedPermissionPolicy(Registration, actions=("view", "change"))
)


@hooks.register("register_admin_urls")
def registrations_admin_urls():
    return [path("inschrijvingen/", include(admin_urls, namespace="registrations_admin"))]


class RegistrationsMenuItem(MenuItem):
    def is_shown(self, request):
        user = request.user
        return user_is_central(user) or sites_for_user(user=user).exists()


@hooks.register("register_admin_menu_item")
def registrations_menu_item():
    return RegistrationsMenuItem(
        _("Inschrijvingen"), reverse("registrations_admin:offers"), icon_name="form", order=250
    )


@hooks.register("register_page_listing_more_buttons")
def registrations_page_button(page, user, next_url=None):
    if issubclass(page.specific_class or type(page), RegistrableMixin):
        yield Button(
            _("Inschrijvingen"),
            reverse("registrations_admin:offer", args=[page.pk]),
            icon_name="form",
            priority=15,
        )


hooks.register("construct_homepage_panels", dashboard_hook(ComingSessionsPanel))
hooks.register("construct_homepage_panels", dashboard_hook(RegistrationFiguresPanel))
