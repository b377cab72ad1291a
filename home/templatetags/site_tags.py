import json

from django import template
from django.urls import reverse
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

from home.branding import branding_version

register = template.Library()


@register.filter
def jsonld(value) -> str:
    """Serialise structured data for a <script type="application/ld+json"> element.

    Escapes <, > and & so that no value can close the script element.
    """
    return mark_safe(json.dumps(value, ensure_ascii=False).translate(_json_script_escapes))


@register.simple_tag
def branding_stylesheet_url(site, branding) -> str:
    """URL of the site's colour stylesheet, versioned by its colours (see home.branding)."""
    url = reverse("branding_stylesheet", args=[site.pk])
    return f"{url}?v={branding_version(branding)}"
