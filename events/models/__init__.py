"""The agenda: an EventIndexPage per site, EventPages under it, and occurrence rows.

Editors describe *when* with EventDate rows (one date, a period with weekly hours, or a
recurrence rule) and OccurrenceChange rows (cancel, move or mark one occurrence). On publish
(and on import, and daily for the rolling horizon) events.services expands them into
Occurrence rows, stored in UTC, which the agenda, the feeds and the "Binnenkort" block query.
"""

from events.models.choices import (
    IMPORTED_FIELDS,
    WEEKDAY_CHOICES,
    AttendanceMode,
    BookingAvailability,
    EventStatus,
    Repeat,
    WeekdaysField,
    WeekdaysFormField,
)
from events.models.dates import (
    OCCURRENCE_EVENT_FIELDS,
    EventDate,
    Occurrence,
    OccurrenceChange,
    occurrence_event_values,
)
from events.models.imports import ImportRun
from events.models.pages import EventIndexPage, EventPage, ImportedHelpPanel

__all__ = [
    "IMPORTED_FIELDS",
    "OCCURRENCE_EVENT_FIELDS",
    "WEEKDAY_CHOICES",
    "AttendanceMode",
    "BookingAvailability",
    "EventDate",
    "EventIndexPage",
    "EventPage",
    "EventStatus",
    "ImportRun",
    "ImportedHelpPanel",
    "Occurrence",
    "OccurrenceChange",
    "Repeat",
    "WeekdaysField",
    "WeekdaysFormField",
    "occurrence_event_values",
]
