from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from home.selectors import user_is_central
from jobs.views import JobsOverviewView


@hooks.register("register_admin_urls")
def register_jobs_urls():
    return [path("achtergrondtaken/", JobsOverviewView.as_view(), name="jobs_overview")]


class CentralMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_central(request.user)


@hooks.register("register_admin_menu_item")
def register_jobs_menu_item():
    return CentralMenuItem(
        _("Achtergrondtaken"), reverse("jobs_overview"), icon_name="cogs", order=920
    )


@hooks.register("insert_global_admin_css")
def jobs_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("jobs/admin.css"))
