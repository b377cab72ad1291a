from django import template
from django.utils.html import format_html

from pagecache.forms import FIELD, form_token_make

register = template.Library()


@register.simple_tag(takes_context=True)
def pagecache_form_token(context, action: str) -> str:
    """The hidden field that lets a form on a cached page be posted (pagecache.forms)."""
    request = context["request"]
    return format_html(
        '<input type="hidden" name="{}" value="{}">',
        FIELD,
        form_token_make(host=request.get_host(), action=action),
    )
