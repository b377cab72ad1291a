"""An index on the record number (PostgreSQL; docs/catalogue.md, issue #14): broad searches
choose their hits among the matches the count index holds and read those records by number."""

from django.db import migrations


def forward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS catalogue_record_num ON catalogue_record (num)"
    )


def backward(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalogue_record_num")


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0010_count_index_deferred_and_swap"),
    ]

    operations = [migrations.RunPython(forward, backward)]
