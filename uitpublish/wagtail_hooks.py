"""Admin wiring: the UiTdatabank screen of an event and its buttons (page header and explorer
listing) on local events."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from events.models import EventPage
from uitpublish import admin_urls


@hooks.register("register_admin_urls")
def uitpublish_admin_urls():
    return [path("uitdatabank-publicatie/", include(admin_urls, namespace="uitpublish_admin"))]


def _is_event(page) -> bool:
    # The class only: the listing must not load every page; the screen itself tells an
    # imported event apart.
    return issubclass(page.specific_class or type(page), EventPage)


def _button(page):
    return Button(
        _("UiTdatabank"),
        reverse("uitpublish_admin:page", args=[page.pk]),
        icon_name="upload",
        priority=20,
    )


@hooks.register("register_page_listing_more_buttons")
def uitpublish_listing_button(page, user, next_url=None):
    if _is_event(page):
        yield _button(page)


@hooks.register("register_page_header_buttons")
def uitpublish_header_button(page, user, view_name=None, next_url=None):
    if _is_event(page):
        yield _button(page)
