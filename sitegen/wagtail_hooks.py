from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from home.selectors import user_is_central
from sitegen import views


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
