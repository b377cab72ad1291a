from django import template

from events.feeds import when_label
from events.selectors import event_status_label

register = template.Library()


@register.simple_tag(takes_context=True)
def event_cards(context, items):
    """The items with each card's HTML (`item.html`) from the card cache of the agenda view
    (events.views: keyed on everything the card shows, under the site's generation), rendered
    and stored for the cards that are not there. Lists outside the agenda (the home page's
    "Binnenkort" block, the event page's related events) then render no card template when
    their events did not change. Without a request (a preview of the block), the items as they
    are: the template renders each card in place."""
    from events.cards import cards_render

    request = context.get("request")
    items = list(items or [])
    if request is not None:
        cards_render(items=[item for item in items if not item.html], request=request)
    return items


@register.filter
def when(occurrence) -> str:
    """ "woensdag 3 december 2026, 14:00–16:00" in Brussels time."""
    return when_label(occurrence) if occurrence is not None else ""


@register.filter
def status_label(occurrence) -> str:
    if occurrence is None:
        return ""
    return event_status_label(
        status=occurrence.status, booking_availability=occurrence.booking_availability
    )


@register.filter
def euro(value) -> str:
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return ""
    if amount == 0:
        return "gratis"
    return "€ " + f"{amount:.2f}".replace(".", ",")
