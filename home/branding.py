"""Colour arithmetic for site branding: WCAG 2.x relative luminance and contrast ratio."""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WCAG_AA_NORMAL_TEXT = 4.5


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# The site's colours as CSS custom properties, served as a stylesheet of their own
# (home.views.branding_stylesheet) so that public pages need no inline <style> under the
# Content-Security-Policy, and HTML stays cacheable without a per-response nonce.
BRANDING_PROPERTIES = (
    ("--color-primary", "primary_colour"),
    ("--color-on-primary", "primary_text_colour"),
    ("--color-accent", "accent_colour"),
    ("--color-on-accent", "accent_text_colour"),
    ("--color-link", "link_colour"),
)


def branding_values(branding) -> list[tuple[str, str]]:
    """(property, colour) pairs; anything but a #rrggbb colour is left out."""
    values = []
    for name, attribute in BRANDING_PROPERTIES:
        colour = str(getattr(branding, attribute, "") or "")
        if HEX_COLOUR.match(colour):
            values.append((name, colour))
    return values


def branding_css(branding) -> str:
    lines = [f"    {name}: {colour};" for name, colour in branding_values(branding)]
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def branding_version(branding) -> str:
    """Changes whenever a colour changes: the stylesheet URL's cache key."""
    import hashlib

    source = ";".join(colour for _name, colour in branding_values(branding))
    return hashlib.sha256(source.encode()).hexdigest()[:12]
