"""Template tags of the Dutch admin: its brand name and the editor guide's link."""

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def admin_brand_name() -> str:
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or "Bibnet"


@register.simple_tag
def editor_guide_url() -> str:
    return reverse("bibnet_editor_guide")
