"""The two indexes through which "in de buurt" (places.selectors.events_nearby) finds the
coming occurrence rows in a box: by location page, and by the event's own position.

Built CONCURRENTLY on PostgreSQL (the migration is not atomic), as 0008: a plain CREATE INDEX
would block every write to the occurrence table (every publish, every import) for as long as
the build takes, about 8 s per 170,000 rows. A build that was interrupted leaves an invalid
index behind; it is dropped and built again. Elsewhere (SQLite) a plain CREATE INDEX."""

from django.db import migrations, models

INDEXES = [
    models.Index(
        condition=models.Q(("live", True), ("location_page__isnull", False)),
        fields=["location_page", "end", "start"],
        name="events_occ_location_end_live",
    ),
    models.Index(
        condition=models.Q(
            ("latitude__isnull", False), ("live", True), ("location_page__isnull", True)
        ),
        fields=["longitude", "latitude", "end", "start"],
        name="events_occ_position_live",
    ),
]


def _valid(connection, name: str) -> bool | None:
    """True or False for an index that exists (valid or left invalid by an interrupted
    build), None when there is none."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [name],
        )
        row = cursor.fetchone()
    return None if row is None else bool(row[0])


def forward(apps, schema_editor):
    Occurrence = apps.get_model("events", "Occurrence")
    connection = schema_editor.connection
    for index in INDEXES:
        if connection.vendor != "postgresql":
            schema_editor.add_index(Occurrence, index)
            continue
        valid = _valid(connection, index.name)
        if valid:
            continue
        if valid is not None:
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{index.name}"')
        schema_editor.add_index(Occurrence, index, concurrently=True)


def backward(apps, schema_editor):
    Occurrence = apps.get_model("events", "Occurrence")
    connection = schema_editor.connection
    for index in INDEXES:
        if connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{index.name}"')
        else:
            schema_editor.remove_index(Occurrence, index)


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("events", "0009_occurrence_position")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(model_name="occurrence", index=index) for index in INDEXES
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        )
    ]
