import json

from django import template
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

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
    from django.urls import reverse

    from home.branding import branding_version

    url = reverse("branding_stylesheet", args=[site.pk])
    return f"{url}?v={branding_version(branding)}"


# The page's own pictures, in the order a social card prefers them; the site's images follow.
SOCIAL_IMAGE_FIELDS = ("social_image", "image", "hero_image")


@register.simple_tag
def social_image(page, branding=None):
    """The image of the page's social card (og:image): the page's own social image, its main
    image or hero, else the site's default image or logo. None when there is none."""
    for name in SOCIAL_IMAGE_FIELDS:
        image = getattr(page, name, None)
        if image is not None:
            return image
    if branding is not None:
        return branding.default_image or branding.logo
    return None
