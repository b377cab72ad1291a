"""Trigram indexes for the agenda's free-text filter (events.selectors.occurrence_filter), on
PostgreSQL: `icontains` is `UPPER(column) LIKE UPPER('%text%')`, which no B-tree serves; a GIN
trigram index on the same expression does, for a text of three characters or more. The title
is Wagtail's page column. On SQLite nothing is created (the embedded default scans).

Built CONCURRENTLY (the migration is not atomic): on a network's page table a plain CREATE
INDEX would block every publish for as long as the build takes. A build that was interrupted
leaves an invalid index behind; it is dropped and built again."""

from django.db import migrations

INDEXES = {
    "events_eventpage_intro_trgm": ("events_eventpage", "intro"),
    "events_eventpage_place_trgm": ("events_eventpage", "place_name"),
    "events_eventpage_organizer_trgm": ("events_eventpage", "organizer_name"),
    "events_page_title_trgm": ("wagtailcore_page", "title"),
}


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    # Not Django's TrigramExtension: reversing it would drop the extension, which the
    # catalogue's own indexes use too. Reversing this migration leaves it installed.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s",
                [name],
            )
            row = cursor.fetchone()
        if row is not None and row[0]:
            continue
        if row is not None:
            schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [
        ("events", "0007_occurrence_event_columns"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forward, backward)]
