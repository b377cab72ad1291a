"""The event's own position copied onto its occurrence rows, for "in de buurt"
(places.selectors.events_nearby). The two indexes that find the coming rows in a box are
built by 0010, concurrently.

Both columns are nullable without a default: adding them changes the catalogue only. The copy
is one UPDATE of the rows of events with a position of their own (it locks those rows, not
the table, until the migration commits)."""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def copy_position(apps, schema_editor):
    """Fill the new columns of every row of an event with a position of its own."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE events_occurrence o SET latitude = e.latitude, longitude = e.longitude "
                "FROM events_eventpage e WHERE e.page_ptr_id = o.page_id "
                "AND (e.latitude IS NOT NULL OR e.longitude IS NOT NULL)"
            )
        return
    Occurrence = apps.get_model("events", "Occurrence")
    EventPage = apps.get_model("events", "EventPage")
    event = EventPage.objects.filter(pk=OuterRef("page_id"))
    positioned = Q(page__latitude__isnull=False) | Q(page__longitude__isnull=False)
    Occurrence.objects.filter(positioned).update(
        latitude=Subquery(event.values("latitude")[:1]),
        longitude=Subquery(event.values("longitude")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_free_text_trigram_indexes"),
        ("library_pages", "0005_content_blocks_bieblo_books_digital_services"),
    ]

    operations = [
        migrations.AddField(
            model_name="occurrence",
            name="latitude",
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
        ),
        migrations.AddField(
            model_name="occurrence",
            name="longitude",
            field=models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True),
        ),
        migrations.RunPython(copy_position, migrations.RunPython.noop),
    ]
