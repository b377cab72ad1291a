"""The network agenda's own rows: one narrow row per live occurrence of a live event, with the
event's filter columns copied (type, theme, ages, free) so that the network agenda filters,
counts and pages without joining the page tables. Kept by network.services (on publish,
unpublish, move and `home.signals.pages_changed`); the sites' own occurrence rows
(events.Occurrence) stay the source."""

from django.core.exceptions import EmptyResultSet
from django.db import models

from events.models import EventPage


class InArray(models.Lookup):
    """`agenda_id__in_array=[...]`: on PostgreSQL one array parameter (`= ANY(%s)`) instead of
    one parameter per id. The network agenda names hundreds of agendas in each of its queries;
    Django prepares and psycopg binds each parameter of an `IN` list apart, which cost more
    Python time than the rest of the query. Elsewhere (SQLite) an `IN` list."""

    lookup_name = "in_array"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
        placeholders = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *self.rhs]


class NetworkOccurrence(models.Model):
    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="+")
    # The event's agenda (events.Occurrence.agenda): the site filters map to agenda ids.
    agenda_id = models.IntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    sessions = models.PositiveIntegerField(default=1)
    # The event's row that ends last: "has a date still to come" is one row per event.
    is_last = models.BooleanField(default=False)
    event_type = models.CharField(max_length=32, blank=True)
    theme = models.CharField(max_length=32, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True)
    age_max = models.PositiveSmallIntegerField(null=True)
    is_free = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["start", "event"], name="network_occ_start"),
            models.Index(fields=["agenda_id", "start"], name="network_occ_agenda_start"),
            models.Index(
                fields=["end", "agenda_id"],
                name="network_occ_last_end",
                condition=models.Q(is_last=True),
            ),
            models.Index(fields=["event", "start"], name="network_occ_event_start"),
            # The counts without an end to the period read each event's last row of the
            # agendas in scope (a shard of them after a publish) from this index alone (an
            # index-only scan, PostgreSQL): no visit of the table's pages.
            models.Index(
                fields=["agenda_id"],
                include=[
                    "end",
                    "start",
                    "event_type",
                    "theme",
                    "age_min",
                    "age_max",
                    "is_free",
                    "event",
                ],
                name="network_occ_last_agenda",
                condition=models.Q(is_last=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.start:%Y-%m-%d %H:%M}"


NetworkOccurrence._meta.get_field("agenda_id").register_lookup(InArray)
