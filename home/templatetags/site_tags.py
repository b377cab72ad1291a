import hashlib
import json
from functools import lru_cache

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import _json_script_escapes, conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from home.branding import branding_version
from home.fragments import cache_get_many

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


@register.simple_tag(takes_context=True)
def full_url(context, page) -> str:
    """The page's absolute URL, as `page.full_url` gives it, through the site root paths that
    Wagtail keeps on the request (`page.full_url` reads them from the cache every time)."""
    get_full_url = getattr(page, "get_full_url", None)
    if get_full_url is None:
        return getattr(page, "full_url", "") or ""
    return get_full_url(request=context.get("request")) or ""


FOOTER_TEMPLATE = "components/footer.html"
# A footer's HTML is kept at most this long; its key changes whenever the shell's data does.
FOOTER_SECONDS = 3600


@register.simple_tag(takes_context=True)
def site_footer(context) -> str:
    """The site's footer. It shows the site shell's data only (contact, today's hours, footer
    menu, regions), so its HTML is cached under the version of that data (home.shell: the
    site's generation and when the data was built) and the language: a change that retires the
    shell retires the footer, and "Nu open" in it changes when the shell's data does."""
    shell = context.get("shell")
    footer = context.template.engine.get_template(FOOTER_TEMPLATE)
    version = getattr(shell, "version", "") if shell else ""
    if not version:
        return footer.render(context)
    key = shell.footer_key()
    # Usually read already, with the page's main content (home.fragments.html_cached).
    html = cache_get_many(context.get("request"), [key])[key]
    if html is None:
        html = footer.render(context.new({"shell": shell}))
        cache.set(key, html, timeout=FOOTER_SECONDS)
    return mark_safe(html)  # rendered by our own template, escaped there


FORM_FRAGMENT_SECONDS = 6 * 3600


def _form_fingerprint(form) -> tuple:
    """Everything an unbound form's fields render from: the form's class and settings, and per
    field its type, widget, widget attributes, label, help text, requiredness, initial value
    and choices. Two forms with the same fingerprint render the same HTML."""
    fields = []
    for name, field in form.fields.items():
        widget = field.widget
        attrs = {**widget.attrs, **field.widget_attrs(widget)}
        fields.append(
            (
                name,
                type(field).__qualname__,
                type(widget).__qualname__,
                sorted((key, str(value)) for key, value in attrs.items()),
                str(field.label),
                str(field.help_text),
                field.required,
                field.disabled,
                repr(form.get_initial_for_field(field, name)),
                repr(getattr(widget, "choices", None)),
            )
        )
    return (
        type(form).__module__,
        type(form).__qualname__,
        form.prefix,
        str(form.auto_id),
        form.use_required_attribute,
        form.label_suffix,
        tuple(fields),
    )


@register.simple_tag(takes_context=True)
def form_fragment(context, form, template_name, *key_parts) -> str:
    """`template_name` rendered in the current context, cached when `form` is unbound: a form
    that nobody filled in renders the same HTML for every visitor (a dozen field templates per
    form, the largest part of an offer page's rendering). The fragment must show nothing but
    the form and what `key_parts` name; the key is the form's fingerprint, those parts and the
    language. A bound form (errors, values) is rendered every time."""
    fragment = context.template.engine.get_template(template_name)
    if form is None or form.is_bound:
        return fragment.render(context)
    parts = (template_name, _form_fingerprint(form), key_parts, get_language())
    key = "form-fragment:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    html = cache.get(key)
    if html is None:
        html = fragment.render(context)
        cache.set(key, html, timeout=FORM_FRAGMENT_SECONDS)
    return mark_safe(html)  # rendered by our own template, escaped there


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


# Words this long get soft hyphens at their Dutch hyphenation points.
LONG_WORD = 12


@lru_cache(maxsize=1)
def _dutch_hyphenator():
    import pyphen

    return pyphen.Pyphen(lang="nl_NL", left=3, right=3)


@lru_cache(maxsize=8192)
def _hyphenated(word: str) -> str:
    """A long word, escaped, with a soft hyphen at each Dutch hyphenation point. Titles repeat
    on every page that lists them (cards, the site's name in the header): pyphen's work is done
    once per word and process."""
    parts = _dutch_hyphenator().inserted(word, hyphen="\x00").split("\x00")
    return "&shy;".join(conditional_escape(part) for part in parts)


@register.filter(needs_autoescape=True)
def breakable(value, autoescape=True) -> str:
    """Escape the text and put a soft hyphen (&shy;) at the Dutch hyphenation points of its
    long words.

    Browsers with a Dutch dictionary hyphenate themselves (`hyphens: auto`); where they have
    none, a long compound in a narrow card would otherwise break at any letter
    ("Theatervoorstellin g"). A soft hyphen is invisible unless the line breaks there, and
    then shows the hyphen Dutch readers expect ("Theatervoor-/stelling"); <wbr> would break
    without one. Screen readers and search ignore it."""
    text = str(value or "")
    words = []
    for word in text.split(" "):
        if len(word) >= LONG_WORD and word.isalpha():
            words.append(_hyphenated(word))
        else:
            words.append(conditional_escape(word) if autoescape else word)
    return mark_safe(" ".join(words))


class PageFragmentNode(template.Node):
    def __init__(self, name, parts, nodelist) -> None:
        self.name = name
        self.parts = parts
        self.nodelist = nodelist

    def render(self, context) -> str:
        from home.fragments import html_cached

        return html_cached(
            request=context.get("request"),
            page=context.get("page"),
            name=self.name.resolve(context),
            parts=tuple(str(part.resolve(context)) for part in self.parts),
            render=lambda: self.nodelist.render(context),
        )


@register.tag
def page_fragment(parser, token):
    """`{% page_fragment "name" part ... %}...{% endpage_fragment %}`: the enclosed HTML of the
    page being served, cached while the page's path is not purged (home.fragments). It must
    show nothing but the published page, what a purge of its path retires, and the parts
    (e.g. `shell.version` for what comes from the site shell)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("page_fragment needs a name")
    nodelist = parser.parse(("endpage_fragment",))
    parser.delete_first_token()
    return PageFragmentNode(
        parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist
    )
