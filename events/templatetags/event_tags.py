from django import template

from events.feeds import when_label
from events.selectors import event_status_label

register = template.Library()


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
