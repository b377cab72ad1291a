"""Trigram indexes for the agenda's free-text filter (events.selectors.occurrence_filter), on
PostgreSQL: `icontains` is `UPPER(column) LIKE UPPER('%text%')`, which no B-tree serves; a GIN
trigram index on the same expression does, for a text of three characters or more. The title
is Wagtail's page column. On SQLite nothing is created (the embedded default scans)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "events_eventpage_intro_trgm": ("events_eventpage", "intro"),
    "events_eventpage_place_trgm": ("events_eventpage", "place_name"),
    "events_eventpage_organizer_trgm": ("events_eventpage", "organizer_name"),
    "events_page_title_trgm": ("wagtailcore_page", "title"),
}


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_occurrence_event_columns"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        # CreateExtension acts on PostgreSQL only, and only when the extension is missing.
        TrigramExtension(),
        migrations.RunPython(forward, backward),
    ]
