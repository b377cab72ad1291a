"""Admin wiring of the network app: the regions screen, for central editors only (no menu item
for anyone else, and 403 on its URLs: home.central_only)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from home.central_only import central_only
from home.selectors import user_is_central
from network import views


@hooks.register("register_admin_urls")
def register_region_urls():
    return [
        path("regios/", central_only(views.RegionListView.as_view()), name="network_regions"),
        path(
            "regios/<int:pk>/",
            central_only(views.RegionEditView.as_view()),
            name="network_region_edit",
        ),
    ]


class CentralMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_central(request.user)


@hooks.register("register_admin_menu_item")
def register_regions_menu_item():
    return CentralMenuItem(_("Regio's"), reverse("network_regions"), icon_name="group", order=157)
